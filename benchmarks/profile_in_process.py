"""Where a wizard page and a JSON registration spend their CPU time, in process.

    .venv/bin/python benchmarks/profile_in_process.py > docs/performance-profile.txt

Builds the app on a fresh SQLite file in a temporary instance folder with rate limits off, sends
20 requests of each kind to warm up, then profiles the counted ones through Flask's test client
with cProfile, CPU time as its clock (so that other work on the machine counts less), and prints
the functions by cumulative and by own time.
"""

import cProfile
import io
import json
import logging
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

from hash_limit import PASSWORD

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's webapp

BODY = json.dumps(
    {
        "username": "u{n}",
        "password": PASSWORD,
        "email": "u{n}@example.com",
        "title": "Ms",
        "forename": "Ada",
        "surname": "Lovelace",
        "dateOfBirth": "1990-03-27",
        "consents": {"consentIds": ["terms", "privacy"], "contactMethods": ["email"]},
    }
)


def profile(label, request, count, warm_up=20):
    for _ in range(warm_up):
        request()
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(count):
        request()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)
    print(f"## {label}: {count} requests\n")
    print(
        out.getvalue()
        .replace(sys.prefix + "/lib/python3.11/site-packages/", "")
        .replace(os.getcwd() + "/", "")
    )


def main():
    folder = tempfile.mkdtemp(prefix="webapp-profile-")
    os.environ.update(
        INSTANCE_PATH=folder,
        RATELIMIT_ENABLED="false",
        DATABASE_URL=f"sqlite:///{folder}/profile.sqlite",
    )
    logging.disable(logging.CRITICAL)
    from webapp import create_app

    client = create_app().test_client()
    serial = iter(range(1, 10**9))

    def register():
        body = BODY.replace("{n}", str(next(serial)))
        response = client.post("/api/v1/customers", data=body, content_type="application/json")
        assert response.status_code == 201, response.data

    profile("GET /register", lambda: client.get("/register"), 500)
    profile("POST /api/v1/customers", register, 100)


if __name__ == "__main__":
    main()

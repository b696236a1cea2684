"""What the in-process benchmarks share: the app on its embedded defaults in a temporary instance
folder, a unique JSON registration each call, and a cProfile printed without the paths' noise."""

import io
import json
import logging
import os
import pstats
import sys
import tempfile
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


def fresh_app(name):
    """The app on a fresh SQLite file in a new temporary instance folder, rate limits off and
    logging silent."""
    folder = tempfile.mkdtemp(prefix=f"webapp-{name}-")
    os.environ.update(
        INSTANCE_PATH=folder,
        RATELIMIT_ENABLED="false",
        DATABASE_URL=f"sqlite:///{folder}/{name}.sqlite",
    )
    logging.disable(logging.CRITICAL)
    from webapp import create_app

    return create_app()


def registrar(client):
    """A function that registers a new customer through the JSON API each time it is called."""
    serial = iter(range(1, 10**9))

    def register():
        body = BODY.replace("{n}", str(next(serial)))
        response = client.post("/api/v1/customers", data=body, content_type="application/json")
        assert response.status_code == 201, response.data

    return register


def print_profile(profiler, heading, *orders, top=40):
    """The profile by each of `orders` ("cumulative", "tottime"), under a heading."""
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    for order in orders:
        stats.sort_stats(order).print_stats(top)
    print(f"## {heading}\n")
    print(
        out.getvalue()
        .replace(sys.prefix + "/lib/python3.11/site-packages/", "")
        .replace(os.getcwd() + "/", "")
    )

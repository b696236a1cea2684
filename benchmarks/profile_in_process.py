"""Where a wizard page and a JSON registration spend their CPU time, in process.

    .venv/bin/python benchmarks/profile_in_process.py > docs/performance-profile.txt

Builds the app on a fresh SQLite file in a temporary instance folder with rate limits off, sends
20 requests of each kind to warm up, then profiles the counted ones through Flask's test client
with cProfile, CPU time as its clock (so that other work on the machine counts less), and prints
the functions by cumulative and by own time.
"""

import cProfile
import time

from in_process import fresh_app, print_profile, registrar


def profile(label, request, count, warm_up=20):
    for _ in range(warm_up):
        request()
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(count):
        request()
    profiler.disable()
    print_profile(profiler, f"{label}: {count} requests", "cumulative", "tottime")


def main():
    client = fresh_app("profile").test_client()
    register = registrar(client)

    profile("GET /register", lambda: client.get("/register"), 500)
    profile("POST /api/v1/customers", register, 100)


if __name__ == "__main__":
    main()

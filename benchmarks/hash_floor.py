"""What the registration target leaves for any service: a bare route that only hashes, beside the
service's JSON registration, against the argon2id limit.

    .venv/bin/python benchmarks/hash_floor.py [--duration 10] [--rounds 3]

Starts benchmarks/bare_hash.py and the service with gunicorn as benchmarks/run.py starts its
servers (2 sync workers each, preloaded; the service on a fresh SQLite file, rate limits off),
sends both the benchmark's registration body with wrk, and measures the argon2id limit before and
after each round, as run.py does around its registration. The bare route's ratio is the most a
JSON registration served this way can reach on this machine: everything the service does besides
the hash (rules, storage, hooks) comes on top of that route's work. It asserts nothing.
"""

import argparse
import sys
import tempfile
from pathlib import Path

import hash_limit
import wrk
from run import REGISTRATION, ROOT, loaded, service_environment, shipped_argon2
from servers import WORKERS, Server

HERE = Path(__file__).resolve().parent


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    if not wrk.available():
        print("wrk is not installed; on Debian: apt-get install -y wrk", file=sys.stderr)
        return 2
    bare_request = wrk.Request("/", "POST", REGISTRATION.headers, REGISTRATION.body)
    print(
        "| round | argon2id limit, hashes/s (CPU ms) | bare hash route, req/s (CPU ms) | ratio | "
        "service registration, req/s (CPU ms) | ratio |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory(prefix="webapp-bench-") as folder:
        folder = Path(folder)
        (folder / "instance").mkdir()
        env = service_environment(folder)
        with (
            Server("bare-hash", "bare_hash:app", HERE, folder, env, probe="/none") as bare,
            Server("service", "webapp:create_app()", ROOT, folder, env) as service,
        ):
            before = _limit(options)
            for round_ in range(1, options.rounds + 1):
                floor = _measure(bare, bare_request, options)
                served = _measure(service, REGISTRATION, options)
                after = _limit(options)
                limit = (before[0] + after[0]) / 2
                hash_ms = (before[1] + after[1]) / 2
                if floor is None or served is None:
                    print(f"round {round_}: not every answer was 201")
                    return 1
                print(
                    f"| {round_} | {limit:.1f} ({hash_ms:.2f}) | {floor[0]:.1f} ({floor[1]:.2f}) | "
                    f"{floor[0] / limit:.3f} | {served[0]:.1f} ({served[1]:.2f}) | "
                    f"{served[0] / limit:.3f} |"
                )
                before = after
    return 0


def _measure(server, request, options):
    """(requests per second, worker CPU ms per request), or None unless every answer was 201."""
    result, cpu = loaded(server, request, options)
    if set(result.statuses) != {201} or not result.requests:
        return None
    return result.rate, cpu * 1000 / result.requests


def _limit(options):
    """(hashes per second, CPU ms per hash) of the argon2id limit."""
    time_cost, memory_cost, parallelism = shipped_argon2()
    rate, cpu = hash_limit.hashes_per_second(
        options.duration, WORKERS, time_cost, memory_cost, parallelism
    )
    return rate, cpu * 1000


if __name__ == "__main__":
    sys.exit(main())

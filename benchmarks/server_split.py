"""How a service worker's CPU splits between gunicorn, the service and the argon2id hash.

    .venv/bin/python benchmarks/server_split.py [--seconds 6] [--connections 1]

Starts the service as benchmarks/run.py does, but with one worker and through
benchmarks/timed_app.py, which sums the CPU time the worker spends inside the service's WSGI call
and inside the hash. Sends each scenario's request with wrk (`--connections` at a time; with one,
no request waits for a core and the figures are the request's own) and prints, per request, the
worker's CPU time (from /proc), the part inside the service (the rest is gunicorn's parse and
write and the socket's system calls) and, for registrations, the part inside the hash. Beside
benchmarks/check_in_process.py it shows what a request costs in a server against a loop that
keeps the CPU's caches warm. It asserts nothing.
"""

import argparse
import json
import tempfile
import urllib.request
from pathlib import Path

import inline_check
import wrk
from run import REGISTRATION, ROOT, service_environment
from servers import Server

HERE = Path(__file__).resolve().parent


def _timings(server):
    with urllib.request.urlopen(server.url + "/__timings", timeout=10) as response:
        return json.load(response)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--connections", type=int, default=1)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        (folder / "instance").mkdir()
        env = {**service_environment(folder), "PYTHONPATH": str(ROOT)}
        with Server("service", "timed_app:app", HERE, folder, env, workers=1) as server:
            check, described = inline_check.probe(server.url)
            scenarios = (
                ("wizard page", wrk.Request(inline_check.PAGE)),
                (f"inline check, {described}", check),
                ("JSON registration", REGISTRATION),
            )
            print(
                f"one worker, {options.connections} connection(s), {options.seconds:g} s each; "
                "CPU ms per request"
            )
            print("| scenario | worker | in the service | in the hash | gunicorn and the socket |")
            print("| --- | ---: | ---: | ---: | ---: |")
            for title, request in scenarios:
                wrk.run(server.url, request, options.warmup, options.connections, prefix="w")
                server.settle()
                _timings(server)
                used = server.worker_cpu_seconds()
                wrk.run(server.url, request, options.seconds, options.connections)
                server.settle()
                sums = _timings(server)  # counts the requests wrk left queued, as /proc does
                count = sums["requests"]
                worker = (server.worker_cpu_seconds() - used) * 1000 / count
                inside, hashed = sums["app"] * 1000 / count, sums["hash"] * 1000 / count
                print(
                    f"| {title} | {worker:.3f} | {inside:.3f} | {hashed:.3f} | "
                    f"{worker - inside:.3f} |"
                )


if __name__ == "__main__":
    main()

"""Where a service worker spends its time under the benchmark's load, sampled by py-spy.

    .venv/bin/pip install 'webapp[profile]'     # py-spy, for this script only
    .venv/bin/python benchmarks/profile_server.py [page|check|registration] [--seconds 15]

Starts the service as benchmarks/run.py does (gunicorn, 2 sync workers, preloaded, SQLite, rate
limits off), sends the scenario's request with wrk at 16 connections, and samples one worker
with py-spy for `--seconds` (wall clock: time the worker spends waiting for the client to close
the connection counts too, under gunicorn's `close_graceful`). Prints the worker's CPU use while
sampled, then the functions by inclusive and by own share of the samples. Unlike the cProfile of
benchmarks/profile_in_process.py it adds no cost per call, so many small calls weigh no more
than they do, and it sees gunicorn's part. It asserts nothing.
"""

import argparse
import collections
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import inline_check
import wrk
from run import REGISTRATION, ROOT, service_environment
from servers import Server

FRAME = re.compile(r"^(?P<function>.*) \((?P<path>[^()]*?)(?::\d+)?\)$")
# The frames every sample shares (gunicorn starting the worker, down to its loop) are left out.
LOOP = "SyncWorker.run_for_one"
CONNECTIONS = 16


def scenario_request(name, url):
    if name == "page":
        return wrk.Request(inline_check.PAGE)
    if name == "check":
        return inline_check.probe(url)[0]
    return REGISTRATION


def short(path):
    path = re.sub(r"^.*/site-packages/", "", path)
    return path.replace(str(ROOT) + "/", "").replace(sys.base_prefix + "/lib/python3.11/", "")


def shares(raw):
    """(samples, inclusive Counter, own Counter) of py-spy's raw output, by function."""
    inclusive, own, total = collections.Counter(), collections.Counter(), 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            # Seen once: a sample's line broken in two, its first piece without a count. The
            # piece is left out rather than the whole profile lost.
            continue
        frames = stack.split(";")
        below = next((i + 1 for i, frame in enumerate(frames) if frame.startswith(LOOP)), 0)
        names = []
        for frame in frames[below:]:
            match = FRAME.match(frame)
            names.append(
                f"{match['function']} ({short(match['path'])})" if match else frame.strip()
            )
        names = names or ["(gunicorn's loop itself, between requests)"]
        total += int(count)
        for name in set(names):
            inclusive[name] += int(count)
        own[names[-1]] += int(count)
    return total, inclusive, own


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", choices=("page", "check", "registration"), nargs="?")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--top", type=int, default=45)
    options = parser.parse_args()
    scenario = options.scenario or "check"
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        sys.exit("py-spy is not installed: .venv/bin/pip install 'webapp[profile]'")

    with tempfile.TemporaryDirectory(prefix="webapp-profile-") as folder:
        folder = Path(folder)
        (folder / "instance").mkdir()
        env = service_environment(folder)
        with Server("service", "webapp:create_app()", ROOT, folder, env) as s:
            request = scenario_request(scenario, s.url)
            load = threading.Thread(
                target=wrk.run,
                args=(s.url, request, options.seconds + 6, CONNECTIONS, "profile"),
            )
            load.start()
            time.sleep(3)  # past the first requests' warm-up
            worker = s.workers()[0]
            cpu, started = s.worker_cpu_seconds(), time.monotonic()
            samples = folder / "samples.txt"
            subprocess.run(
                [spy, "record", "--pid", str(worker), "--rate", "500", "--nonblocking"]
                + ["--duration", str(options.seconds), "--format", "raw", "--output", str(samples)],
                capture_output=True,
                check=True,
            )
            busy = (s.worker_cpu_seconds() - cpu) / (time.monotonic() - started) / len(s.workers())
            load.join()
            total, inclusive, own = shares(samples.read_text())

    print(f"## {scenario}: {request.method} {request.path}, {CONNECTIONS} connections\n")
    print(f"{total} samples of one worker over {options.seconds} s; the workers were on CPU")
    print(f"{busy:.0%} of the time (the rest: waiting for the client, or for a core)\n")
    for title, counts in (("inclusive", inclusive), ("own", own)):
        print(f"### by {title} share of the samples\n")
        for name, count in counts.most_common(options.top):
            print(f"{count / total:6.1%}  {name}")
        print()


if __name__ == "__main__":
    main()

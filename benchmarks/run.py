"""The service's benchmark: what the operators care about, as ratios measured in one run.

    .venv/bin/python benchmarks/run.py [--duration 10] [--warmup 2] [--connections 16]

Starts a bare Flask route and the service with gunicorn (2 sync workers each, the app preloaded
and frozen as gunicorn.conf.py has it) on 127.0.0.1, the service on a fresh SQLite file in a
temporary instance folder with rate limits off, drives each scenario with wrk, measures the
argon2id limit of the same cores, and prints Markdown tables of the figures, the workers' memory
(RSS, PSS, USS) and the ratios against their targets. Needs `wrk` (Debian: `apt-get install -y
wrk`).
"""

import argparse
import json
import os
import platform
import secrets
import sys
import tempfile
import time
from pathlib import Path

import hash_limit
import inline_check
import wrk
from servers import WORKERS, Server

from webapp.registration import hash_memory

ROOT = Path(__file__).resolve().parent.parent
MiB = 1024

REGISTRATION = wrk.Request(
    "/api/v1/customers",
    "POST",
    {"Content-Type": "application/json"},
    json.dumps(
        {
            "username": "{id}",
            "password": hash_limit.PASSWORD,
            "email": "{id}@example.com",
            "title": "Ms",
            "forename": "Ada",
            "surname": "Lovelace",
            "dateOfBirth": "1990-03-27",
            "consents": {"consentIds": ["terms", "privacy"], "contactMethods": ["email"]},
        }
    ),
)

# (name, figure, the figure it is divided by, the least the ratio may be)
TARGETS = (
    ("JSON registration / argon2id limit", "registration", "argon2id", 0.90),
    ("wizard page / bare route", "page", "bare", 0.40),
    ("inline check / bare route", "check", "bare", 0.50),
)
CHECK_P99_MS = 20
# What one more worker costs, its private memory (USS) after the load, against the whole resident
# memory of a bare worker.
USS_RATIO = 1.0
# Memory is read at rest: once the workers have been idle long enough to give argon2's working
# memory back (webapp/registration/hash_memory.py). A worker holds it while it hashes whichever
# way; the note of a scenario gives the USS read as its load ended where that was more.
AT_REST_SECONDS = hash_memory.IDLE_SECONDS + 0.5


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown CPU",
    )
    memory_kib = int(
        next(
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        )
    )
    return (
        f"{os.cpu_count()} cores (nproc {len(os.sched_getaffinity(0))}), {cpu}, "
        f"{memory_kib / MiB / MiB:.1f} GiB memory"
    )


def interpreter() -> str:
    """The Python that runs both servers: version, executable, and whether the interpreter is
    linked into it or loaded from libpython's shared library (a default source build's, slower)."""
    shared = any("libpython" in line for line in Path("/proc/self/maps").read_text().splitlines())
    return (
        f"Python {platform.python_version()} ({os.path.realpath(sys.executable)}, "
        f"{'libpython shared' if shared else 'libpython linked in'})"
    )


def service_environment(folder: Path) -> dict:
    """This process's environment without anything that configures the app, then the run's."""
    from webapp import config

    ours = set(config.defaults(str(folder))) | set(config.ENV_ALIASES.values()) | {"INSTANCE_PATH"}
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ours and not key.startswith("FLASK_")
    }
    env.update(
        INSTANCE_PATH=str(folder / "instance"),
        RATELIMIT_ENABLED="false",
        DATABASE_URL=f"sqlite:///{folder / 'instance' / 'benchmark.sqlite'}",
        SECRET_KEY=secrets.token_urlsafe(32),
        # As gunicorn.conf.py runs the service: the workers count in files /metrics adds up.
        PROMETHEUS_MULTIPROC_DIR=str(folder / "metrics"),
    )
    return env


def loaded(server, request, options):
    """wrk's result for `request` after its warm-up, and the CPU seconds the server's workers
    spent on it (the queue wrk left behind drained before and after)."""
    prefix = secrets.token_hex(3)
    if options.warmup:
        wrk.run(server.url, request, options.warmup, options.connections, f"w{prefix}")
        server.settle()
    cpu = server.worker_cpu_seconds()
    result = wrk.run(server.url, request, options.duration, options.connections, f"m{prefix}")
    cpu = server.worker_cpu_seconds() - cpu
    server.settle()
    return result, cpu


def shipped_argon2():
    from webapp import config

    shipped = config.defaults("")
    return (
        shipped["ARGON2_TIME_COST"],
        shipped["ARGON2_MEMORY_COST"],
        shipped["ARGON2_PARALLELISM"],
    )


class Run:
    """The scenarios in the order bare, service, hash limit, registration, hash limit, bare: the
    figures a ratio compares are measured on both sides of what they are compared with, so that
    a machine that gets busier or quieter during the run moves both alike."""

    def __init__(self, options):
        self.options = options
        self.rows = []  # (scenario, request line, result or None, note)
        self.figures = {}  # key -> the rates measured (req/s or hashes/s)
        self.memory = {}  # "bare" / "service" -> largest worker {"rss", "pss", "uss"} in KiB
        self.cpu_ms = {}  # row index -> the workers' CPU time per request, in ms
        self.cpu = {}  # key -> the CPU times per request (or per hash) measured, in ms
        self.memory_of_row = {}  # row index -> the server's largest worker memory then, in KiB
        self.check_p99 = None
        self.load_at_start = os.getloadavg()
        self.invalid = []

    def measure(self, key, title, line, server, request, expected, who):
        result, cpu = loaded(server, request, self.options)
        at_end = server.worker_memory_kib()
        time.sleep(AT_REST_SECONDS)
        memory = server.worker_memory_kib()
        kept = self.memory.setdefault(who, memory)
        self.memory[who] = {key: max(kept[key], memory[key]) for key in memory}
        wrong = {s: n for s, n in result.statuses.items() if s != expected}
        note = ""
        if at_end["uss"] - memory["uss"] > MiB:
            note = f"USS {at_end['uss'] / MiB:.1f} MiB as the load ended"
        if wrong or result.socket_errors or result.timeouts:
            note = (
                f"NOT ALL {expected}: {wrong}, socket errors {result.socket_errors}, "
                f"timeouts {result.timeouts}"
            )
            self.invalid.append(title)
        self.figures.setdefault(key, []).append(result.rate)
        self.cpu_ms[len(self.rows)] = cpu * 1000 / result.requests if result.requests else 0.0
        self.cpu.setdefault(key, []).append(self.cpu_ms[len(self.rows)])
        self.memory_of_row[len(self.rows)] = memory
        self.rows.append((title, line, result, note))
        return result

    def hash_limit(self):
        time_cost, memory_cost, parallelism = shipped_argon2()
        rate, cpu = hash_limit.hashes_per_second(
            self.options.duration, WORKERS, time_cost, memory_cost, parallelism
        )
        self.figures.setdefault("argon2id", []).append(rate)
        self.cpu.setdefault("argon2id", []).append(cpu * 1000)
        self.cpu_ms[len(self.rows)] = cpu * 1000
        self.rows.append(
            (
                f"argon2id limit (m={memory_cost} KiB, t={time_cost}, "
                f"p={parallelism}, {WORKERS} processes)",
                "",
                rate,
                "",
            )
        )

    def skip(self, title, reason):
        self.rows.append((title, "", None, f"skipped: {reason}"))

    def run(self):
        with tempfile.TemporaryDirectory(prefix="webapp-bench-") as folder:
            return self._run(Path(folder))

    def _run(self, folder):
        (folder / "instance").mkdir()
        env = service_environment(folder)
        bare_route = wrk.Request("/")
        with (
            Server("bare", "bare:app", Path(__file__).parent, folder, env) as bare,
            Server("service", "webapp:create_app()", ROOT, folder, env) as service,
        ):
            self.measure(
                "bare", "bare route (framework ceiling)", "GET /", bare, bare_route, 200, "bare"
            )
            self._wizard(service)
            self.hash_limit()
            self.measure(
                "registration",
                "JSON registration (unique users)",
                f"POST {REGISTRATION.path}",
                service,
                REGISTRATION,
                201,
                "service",
            )
            self.hash_limit()
            self.measure("bare", "bare route, again", "GET /", bare, bare_route, 200, "bare")
        return self

    def _wizard(self, service):
        page = wrk.Request(inline_check.PAGE)
        try:
            check, described = inline_check.probe(service.url)
        except inline_check.Unavailable as reason:
            check, described = None, str(reason)
        status = service.status(page.path)
        if status != 200:
            self.skip("wizard page", f"GET {page.path} answers {status}: no wizard yet")
        else:
            self.measure("page", "wizard page", f"GET {page.path}", service, page, 200, "service")
        if check is None:
            self.skip("inline check", described)
        else:
            result = self.measure(
                "check", "inline check", described, service, check, 200, "service"
            )
            self.check_p99 = result.p99_ms

    def report(self):
        options = self.options
        print(f"Machine: {machine()}")
        print(f"Interpreter: {interpreter()}")
        print(
            f"Run: {options.duration} s per scenario after {options.warmup} s of warm-up, "
            f"{options.connections} connections (wrk, 1 thread), gunicorn with {WORKERS} sync "
            "workers per server (preloaded), SQLite, rate limits off"
        )
        print(
            "Load average: "
            + ", ".join(
                f"{when} {' '.join(f'{load:.2f}' for load in loads)}"
                for when, loads in (
                    ("at the start", self.load_at_start),
                    ("at the end", os.getloadavg()),
                )
            )
            + "\n"
        )
        print(
            "| scenario | request | req/s | p50 ms | p99 ms | worker CPU ms/req | "
            "worker RSS / PSS / USS MiB | note |"
        )
        print("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |")
        for index, (title, line, result, note) in enumerate(self.rows):
            if result is None:
                print(f"| {title} | {line} | | | | | | {note} |")
            elif isinstance(result, float):
                print(
                    f"| {title} | | {result:.1f} hashes/s | | | {self.cpu_ms[index]:.2f} "
                    "per hash | | |"
                )
            else:
                print(
                    f"| {title} | {line} | {result.rate:.1f} | {result.p50_ms:.1f} | "
                    f"{result.p99_ms:.1f} | {self.cpu_ms[index]:.2f} | "
                    f"{_mib(self.memory_of_row[index])} | {note} |"
                )
        print(
            "\n| ratio (of the means where measured twice) | value | target | met | "
            "from CPU time per request |"
        )
        print("| --- | ---: | ---: | --- | ---: |")
        for name, numerator, denominator, target in TARGETS:
            if numerator in self.figures:
                value = _mean(self.figures[numerator]) / _mean(self.figures[denominator])
                by_cpu = _mean(self.cpu[denominator]) / _mean(self.cpu[numerator])
                print(
                    f"| {name} | {value:.3f} | ≥ {target:.2f} | {_met(value >= target)} | "
                    f"{by_cpu:.3f} |"
                )
            else:
                print(f"| {name} | not measured | ≥ {target:.2f} | NO | |")
        if self.check_p99 is not None:
            print(
                f"| inline check p99 at {options.connections} connections | "
                f"{self.check_p99:.1f} ms | ≤ {CHECK_P99_MS} ms | "
                f"{_met(self.check_p99 <= CHECK_P99_MS)} | |"
            )
        value = self.memory["service"]["uss"] / self.memory["bare"]["rss"]
        print(
            f"| service worker USS / bare worker RSS | {value:.2f} | ≤ {USS_RATIO:.2f} | "
            f"{_met(value <= USS_RATIO)} | |"
        )
        if self.invalid:
            print(
                f"\nInvalid: {', '.join(self.invalid)} answered other than expected; "
                "their figures do not count."
            )
        return 1 if self.invalid else 0


def _mib(memory):
    return " / ".join(f"{memory[key] / MiB:.1f}" for key in ("rss", "pss", "uss"))


def _mean(values):
    return sum(values) / len(values)


def _met(condition):
    return "yes" if condition else "NO"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per scenario")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per scenario")
    parser.add_argument("--connections", type=int, default=16)
    options = parser.parse_args(argv)
    if not wrk.available():
        print("wrk is not installed; on Debian: apt-get install -y wrk", file=sys.stderr)
        return 2
    try:
        run = Run(options).run()
    except RuntimeError as error:  # a server that did not start, or wrk that failed
        print(f"benchmark stopped: {error}", file=sys.stderr)
        return 1
    return run.report()


if __name__ == "__main__":
    sys.exit(main())

"""Driving wrk (Debian's `wrk` package) with load.lua, and reading its summary."""

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

SCRIPT = Path(__file__).with_name("load.lua")


def available() -> bool:
    return shutil.which("wrk") is not None


@dataclass
class Request:
    """What every request of a scenario sends; "{id}" in the body becomes unique per request."""

    path: str
    method: str = "GET"
    headers: dict = field(default_factory=dict)
    body: str | None = None


@dataclass
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    statuses: dict  # status -> count
    socket_errors: int
    timeouts: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def run(base_url, request: Request, seconds, connections, prefix="b") -> Result:
    env = {
        **os.environ,
        "BENCH_METHOD": request.method,
        "BENCH_PREFIX": prefix,
        "BENCH_HEADERS": "\n".join(f"{k}: {v}" for k, v in request.headers.items()),
    }
    if request.body is not None:
        env["BENCH_BODY"] = request.body
    command = [
        "wrk",
        "--threads",
        "1",
        "--connections",
        str(connections),
        "--duration",
        f"{seconds}s",
        "--timeout",
        "5s",
        "--script",
        str(SCRIPT),
        base_url + request.path,
    ]
    finished = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=seconds + 60
    )
    line = next((row for row in finished.stdout.splitlines() if row.startswith("BENCH ")), None)
    if finished.returncode != 0 or line is None:
        raise RuntimeError(
            f"wrk failed ({finished.returncode}):\n{finished.stdout}{finished.stderr}"
        )
    summary = json.loads(line[len("BENCH ") :])
    return Result(
        requests=summary["requests"],
        seconds=summary["duration_us"] / 1e6,
        p50_ms=summary["p50_us"] / 1000,
        p99_ms=summary["p99_us"] / 1000,
        statuses={int(k): v for k, v in summary["statuses"].items()},
        socket_errors=summary["socket_errors"],
        timeouts=summary["timeouts"],
    )

"""gunicorn servers for the benchmark: started on loopback, waited for, measured, stopped."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

WORKERS = 2
# gunicorn.conf.py's memory settings (the app built once in the master, its objects frozen before
# the workers are forked), as a config file of its own: it imports nothing of the app.
PREFORK = Path(__file__).resolve().parent.parent / "webapp" / "prefork.py"
START_TIMEOUT = 60  # seconds; the service's first worker also brings the SQLite schema up to date


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`gunicorn <app>` with `workers` sync workers (WORKERS unless told) on 127.0.0.1, as a
    context manager.

    Both servers get the same settings, so that the ratios between them measure the applications:
    those of gunicorn.conf.py that concern memory, not its logging. It starts in `folder`, which
    has no gunicorn.conf.py, so that that one is not read by accident."""

    def __init__(self, name, app, pythonpath, folder, env, probe="/", workers=WORKERS):
        self.name, self.probe, self.count = name, probe, workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = Path(folder) / f"{name}.log"
        self.command = [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            "--pythonpath",
            str(pythonpath),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--no-control-socket",
            "--log-level",
            "warning",
            "--preload",
            "--config",
            str(PREFORK),
        ]
        self.folder, self.env = folder, env
        self.process = None

    def __enter__(self):
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                self.command, cwd=self.folder, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def _wait_until_ready(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} server exited; see its log:\n{self.tail()}")
            if len(self.workers()) == self.count and self.status(self.probe) is not None:
                return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} server did not start in {START_TIMEOUT} s:\n{self.tail()}")

    def status(self, path):
        """The status of GET `path`, or None when nothing answers."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return None

    def tail(self, lines=30):
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def workers(self) -> list[int]:
        """The worker processes: the children of gunicorn's master."""
        found = []
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            # The second field (the command) may hold spaces; the parent id follows its ')'.
            if int(stat.rpartition(")")[2].split()[1]) == self.process.pid:
                found.append(int(entry.name))
        return found

    def worker_cpu_seconds(self) -> float:
        """The CPU time (user and system) the workers have used so far."""
        ticks = 0
        for pid in self.workers():
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                continue
            fields = stat.rpartition(")")[2].split()
            ticks += int(fields[11]) + int(fields[12])  # utime and stime, fields 14 and 15
        return ticks / os.sysconf("SC_CLK_TCK")

    def settle(self, timeout=20.0, quiet=0.02):
        """Wait until the workers have finished what the last scenario left queued (requests
        wrk sent but stopped waiting for), so that its work is not counted in the next one."""
        deadline = time.monotonic() + timeout
        used = self.worker_cpu_seconds()
        while time.monotonic() < deadline:
            time.sleep(0.25)
            now = self.worker_cpu_seconds()
            if now - used <= quiet:
                return
            used = now

    def worker_memory_kib(self) -> dict[str, int]:
        """The workers' largest memory, in KiB: `rss` (resident), `pss` (resident, each shared
        page divided among the processes that share it) and `uss` (private: what one more
        worker costs), from /proc/<pid>/smaps_rollup."""
        largest = dict.fromkeys(("rss", "pss", "uss"), 0)
        for pid in self.workers():
            try:
                rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            except OSError:
                continue
            fields = {
                line.split(":")[0]: int(line.split()[1])
                for line in rollup.splitlines()[1:]
                if line.endswith(" kB")
            }
            sizes = {
                "rss": fields["Rss"],
                "pss": fields["Pss"],
                "uss": fields["Private_Clean"] + fields["Private_Dirty"],
            }
            largest = {key: max(largest[key], sizes[key]) for key in largest}
        return largest

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

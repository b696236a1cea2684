"""Slow clients against the production setup: how many each setup holds, and /healthz meanwhile.

    .venv/bin/python benchmarks/slow_clients.py [--clients 200] [--seconds 10] [--pause 1]

Starts each setup on 127.0.0.1 only (gunicorn with gunicorn.conf.py and 3 workers, on a fresh
SQLite file; nginx with deploy/nginx.conf where the setup has the proxy), opens `--clients`
connections that send their headers, or a declared body, a byte every `--pause` seconds, asks
/healthz every 100 ms for `--seconds`, and prints a Markdown table. Every part is bounded: the
clients are closed and the servers stopped at the end. nginx: `apt-get install -y nginx-light`.
"""

import argparse
import http.client
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NGINX_SITE = ROOT / "deploy" / "nginx.conf"
START_TIMEOUT = 60
WORKERS = 3
# (name, gunicorn worker class, threads per worker, behind nginx)
SETUPS = (
    ("gunicorn sync, no proxy", "sync", 1, False),
    ("gunicorn gthread x 32 threads, no proxy", "gthread", 32, False),
    ("nginx + gunicorn sync", "sync", 1, True),
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def healthz(url, timeout=2.0):
    """Seconds /healthz took to answer 200, or None when it did not (in `timeout`)."""
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    started = time.monotonic()
    try:
        connection.request("GET", "/healthz")
        ok = connection.getresponse().status == 200
    except OSError:
        ok = False
    finally:
        connection.close()
    return time.monotonic() - started if ok else None


def _wait(process, url, log, what):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited:\n{log.read_text(errors='replace')[-3000:]}")
        if healthz(url, timeout=1) is not None:
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not answer in {START_TIMEOUT} s")


@contextmanager
def _running(command, env, log, url, what):
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait(process, url, log, what)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def gunicorn(folder, env, port, worker_class="sync", threads=1):
    """gunicorn as shipped (gunicorn.conf.py) on 127.0.0.1:`port`."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(ROOT / "gunicorn.conf.py"),
        "-w",
        str(WORKERS),
        "-k",
        worker_class,
        "--threads",
        str(threads),
        "-b",
        f"127.0.0.1:{port}",
    ]
    return _running(
        command, env, Path(folder) / f"gunicorn-{port}.log", f"http://127.0.0.1:{port}", "gunicorn"
    )


def nginx_config(folder, port, upstream_port) -> Path:
    """A main nginx configuration around the shipped site file, on 127.0.0.1:`port`, with its
    files in `folder`, proxying to gunicorn on `upstream_port`."""
    site = NGINX_SITE.read_text()
    for old, new in (
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};"),
        ("listen 80;", f"listen 127.0.0.1:{port};"),
        ("/var/log/nginx/access.log", f"{folder}/access.log"),
    ):
        assert old in site, f"{NGINX_SITE} no longer says {old!r}"
        site = site.replace(old, new)
    folder = Path(folder)
    (folder / "site.conf").write_text(site)
    user = "user root;\n" if os.geteuid() == 0 else ""  # the temp files are in our folder
    path = folder / "nginx.conf"
    path.write_text(f"""{user}daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/site.conf;
}}
""")
    return path


def nginx(folder, port, upstream_port):
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    config = nginx_config(folder, port, upstream_port)
    return _running(
        [binary, "-p", str(folder), "-c", str(config)],
        dict(os.environ),
        Path(folder) / "nginx.log",
        f"http://127.0.0.1:{port}",
        "nginx",
    )


@contextmanager
def production(folder, env, worker_class="sync", threads=1, proxy=True):
    """The setup; yields the URL clients use (nginx's, or gunicorn's without the proxy)."""
    upstream = free_port()
    with gunicorn(folder, env, upstream, worker_class, threads):
        if not proxy:
            yield f"http://127.0.0.1:{upstream}"
            return
        port = free_port()
        with nginx(folder, port, upstream):
            yield f"http://127.0.0.1:{port}"


class SlowClients:
    """`count` connections, half dripping their headers and half a declared body, a byte every
    `pause` seconds, from one thread; closed on exit."""

    def __init__(self, url, count, pause=1.0):
        self.address = tuple(url.removeprefix("http://").split(":"))
        self.count, self.pause = count, pause
        self.sockets, self.pending, self.closed = [], [], set()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._drip, daemon=True)

    def __enter__(self):
        host, port = self.address
        headers = (
            f"POST /api/v1/customers HTTP/1.1\r\nHost: {host}\r\n"
            "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
        ).encode()
        for index in range(self.count):
            client = socket.create_connection((host, int(port)), timeout=5)
            client.setblocking(False)
            self.sockets.append(client)
            # Even clients drip their headers; odd ones send them whole, then drip the body.
            if index % 2:
                client.sendall(headers)
                self.pending.append(b"{" + b" " * 99_999)
            else:
                self.pending.append(headers)
        self.thread.start()
        return self

    def _drip(self):
        sent = 0
        while not self.stopping.wait(self.pause):
            for index, client in enumerate(self.sockets):
                if index in self.closed:
                    continue
                try:
                    if client.recv(1, socket.MSG_PEEK) == b"":
                        self.closed.add(index)  # the server hung up
                        continue
                except BlockingIOError:
                    pass  # nothing to read: still open
                except OSError:
                    self.closed.add(index)
                    continue
                try:
                    client.send(self.pending[index][sent : sent + 1])
                except OSError:
                    self.closed.add(index)
            sent += 1

    def held(self) -> int:
        """How many connections the server still keeps open."""
        return self.count - len(self.closed)

    def __exit__(self, *exc):
        self.stopping.set()
        self.thread.join()
        for client in self.sockets:
            client.close()


def attack(url, clients, seconds, pause=1.0, every=0.1):
    """/healthz's latencies (None: no answer in 2 s) while `clients` slow clients are connected,
    and how many of those the server still holds at the end."""
    latencies = []
    with SlowClients(url, clients, pause) as slow:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            latencies.append(healthz(url))
            time.sleep(every)
        return latencies, slow.held()


def summary(latencies):
    answered = sorted(value * 1000 for value in latencies if value is not None)
    if not answered:
        return {"answered": f"0 of {len(latencies)}", "p50": "-", "p95": "-", "max": "-"}
    p95 = answered[min(len(answered) - 1, int(len(answered) * 0.95))]
    return {
        "answered": f"{len(answered)} of {len(latencies)}",
        "p50": f"{statistics.median(answered):.1f}",
        "p95": f"{p95:.1f}",
        "max": f"{answered[-1]:.1f}",
    }


def service_environment(folder: Path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GUNICORN_", "RATELIMIT_", "DATABASE_", "FLASK_", "TEST_"))
        and key not in {"WEB_CONCURRENCY", "BIND", "SECRET_KEY", "TENANTS_FILE"}
    }
    env.update(
        INSTANCE_PATH=str(folder / "instance"),
        SECRET_KEY=secrets.token_urlsafe(32),
        TENANTS_FILE=str(folder / "instance" / "tenants.toml"),
    )
    return env


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument(
        "--pause", type=float, default=1.0, help="seconds between two bytes of a slow client"
    )
    options = parser.parse_args(argv)
    if not 1 <= options.clients <= 1000 or not 0 < options.seconds <= 120:
        parser.error("at most 1000 clients and 120 seconds")
    print(
        f"{options.clients} slow clients (a byte every {options.pause:g} s), {WORKERS} "
        f"gunicorn workers, /healthz every 100 ms for {options.seconds:g} s\n"
    )
    print("| setup | clients held | /healthz answered (2 s) | p50 ms | p95 ms | max ms |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, worker_class, threads, proxy in SETUPS:
        with tempfile.TemporaryDirectory(prefix="slow-clients-") as folder:
            folder = Path(folder)
            with production(
                folder, service_environment(folder), worker_class, threads, proxy
            ) as url:
                latencies, held = attack(url, options.clients, options.seconds, options.pause)
            row = summary(latencies)
            print(
                f"| {name} | {held} | {row['answered']} | {row['p50']} | {row['p95']} | "
                f"{row['max']} |",
                flush=True,
            )


if __name__ == "__main__":
    main()

"""Real servers for the production tests: PostgreSQL and Redis where reachable, gunicorn started
from this virtualenv, and addresses where nothing listens.

PostgreSQL is TEST_DATABASE_URL (else the local default); Redis is the host of
TEST_RATELIMIT_STORAGE_URI (else the local default), database 14. A service that is not reachable
skips the tests that need it, or fails them when TEST_REQUIRE_SERVICES=true (as in CI).
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
POSTGRES = (
    os.environ.get("TEST_DATABASE_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REDIS = (
    urllib.parse.urlsplit(os.environ.get("TEST_RATELIMIT_STORAGE_URI") or "redis://127.0.0.1:6379")
    ._replace(path="/14")
    .geturl()
)
FAST_HASHING = {"ARGON2_MEMORY_COST": "1024", "ARGON2_TIME_COST": "1", "ARGON2_PARALLELISM": "1"}


def free_port():
    """A port on 127.0.0.1 that nothing listens on (just released by the system)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _unavailable(what, error):
    message = f"{what} is not reachable ({type(error).__name__}: {error})"
    if os.environ.get("TEST_REQUIRE_SERVICES", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def postgres_database():
    """A new, empty PostgreSQL database, dropped afterwards: yields its URL."""
    admin = sa.create_engine(
        POSTGRES, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )
    name = f"webapp_prod_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        admin.dispose()
        _unavailable("PostgreSQL", error)
    try:
        yield sa.engine.make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def empty_redis():
    """The tests' Redis database, flushed: returns its URL."""
    client = redis.Redis.from_url(REDIS, socket_connect_timeout=3)
    try:
        client.flushdb()
    except redis.RedisError as error:
        _unavailable("Redis", error)
    finally:
        client.close()
    return REDIS


def app_environment(instance, **settings):
    """The environment of a server process: this one's, minus anything that would configure the
    app or gunicorn behind the test's back, plus an instance folder and `settings`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GUNICORN_", "RATELIMIT_", "DATABASE_", "TEST_"))
        and key not in {"WEB_CONCURRENCY", "BIND", "SECRET_KEY", "TENANTS_FILE"}
    }
    # This checkout's code, even where the virtualenv has another one installed (editable).
    env["PYTHONPATH"] = str(ROOT)
    env.update(
        INSTANCE_PATH=str(instance),
        SECRET_KEY="production-test-secret",
        TENANTS_FILE=str(Path(instance) / "tenants.toml"),
        **FAST_HASHING,
    )
    env.update({key: str(value) for key, value in settings.items()})
    return env


def run(env, *command):
    """Run `command` from the project folder in `env`; its CompletedProcess, output as text."""
    return subprocess.run(
        command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


def flask(env, *args):
    """Run `flask --app webapp ARGS` in `env`; return its output, failing on a non-zero exit."""
    done = run(env, BIN / "flask", "--app", "webapp", *args)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


class Server:
    def __init__(self, url, log_path):
        self.url = url
        self.log_path = log_path

    def log_lines(self):
        """Every JSON line the server wrote (its output mixes the access and error logs)."""
        lines = []
        for raw in self.log_path.read_text().splitlines():
            try:
                lines.append(json.loads(raw))
            except ValueError:
                pass  # a line still being written, or not a log line
        return lines


@contextmanager
def gunicorn(tmp_path, env, workers=3):
    """gunicorn with this project's configuration on a free port; stopped afterwards."""
    port = free_port()
    log_path = tmp_path / f"gunicorn-{port}.log"
    command = [
        BIN / "gunicorn",
        "-c",
        ROOT / "gunicorn.conf.py",
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "webapp:create_app()",
    ]
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        server = Server(f"http://127.0.0.1:{port}", log_path)
        _wait_until_ready(process, server, workers)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_ready(process, server, workers, seconds=60):
    """Until every worker has built the app (gunicorn.conf.py logs it) and /healthz answers."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"gunicorn exited with {process.returncode}:\n{server.log_path.read_text()}"
            )
        ready = [line for line in server.log_lines() if line["message"].startswith("Worker ready")]
        try:
            if (
                len(ready) >= workers
                and requests.get(server.url + "/healthz", timeout=5).status_code == 200
            ):
                return
        except (requests.ConnectionError, requests.Timeout):
            pass  # not listening yet
        time.sleep(0.1)
    pytest.fail(f"gunicorn was not ready in {seconds}s:\n{server.log_path.read_text()}")

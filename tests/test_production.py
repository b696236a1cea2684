"""Several processes sharing one database and one rate-limit store: real gunicorn workers on
PostgreSQL and Redis (slow), and the client address behind proxies and a failing store (fast)."""

import http.client
import json
import logging
import threading
import time
import urllib.parse
import uuid

import pytest
import requests
import sqlalchemy as sa
from conftest import STRONG_PASSWORD, valid_customer
from servers import (
    app_environment,
    empty_redis,
    flask,
    free_port,
    gunicorn,
    postgres_database,
)

from webapp import create_app

REGISTER = "/api/v1/customers"


@pytest.fixture(scope="module")
def postgres(tmp_path_factory):
    """A fresh PostgreSQL database for this module, migrated with the operator's command."""
    with postgres_database() as url:
        flask(
            app_environment(tmp_path_factory.mktemp("migrate"), DATABASE_URL=url), "db", "upgrade"
        )
        yield url


@pytest.fixture
def serve(tmp_path, postgres):
    """serve(**settings): gunicorn, three workers, on the module's database and Redis; settings
    are environment variables of the app or of gunicorn.conf.py."""

    def start(**settings):
        env = app_environment(
            tmp_path, DATABASE_URL=postgres, RATELIMIT_STORAGE_URI=empty_redis(), **settings
        )
        return gunicorn(tmp_path, env, workers=3)

    return start


def all_at_once(send, calls):
    """send(*call) for each call from its own thread, released together; results in order."""
    gate = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        gate.wait()
        results[index] = send(*call)

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def post(url, body):
    return requests.post(url, json=body, timeout=60)


def post_slowly(url, body, pause=0.3):
    """POST whose body follows its headers after a pause: an admitted request keeps its worker
    busy meanwhile, so that simultaneous requests reach different workers."""
    address = urllib.parse.urlsplit(url)
    data = json.dumps(body).encode()
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
    try:
        connection.putrequest("POST", address.path)
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(len(data)))
        connection.endheaders()
        time.sleep(pause)
        try:
            connection.send(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused before the body was read
        answer = connection.getresponse()
        return answer.status, dict(answer.getheaders()), json.loads(answer.read())
    finally:
        connection.close()


@pytest.mark.slow
def test_one_username_raced_across_workers_makes_one_customer(serve, postgres):
    name = f"Racer_{uuid.uuid4().hex[:8]}"
    spellings = [name, name.lower(), name.upper()] * 4  # unique case-insensitively
    bodies = [
        valid_customer(username=spelling, email=f"racer{i}_{name}@example.com")
        for i, spelling in enumerate(spellings)
    ]
    # Four threads per worker: twelve registrations in flight at once.
    with serve(RATELIMIT_PUBLIC_API="1000 per minute", GUNICORN_THREADS=4) as server:
        answers = all_at_once(post, [(server.url + REGISTER, body) for body in bodies])
    log = server.log_lines()  # complete once the server has stopped

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201] + [400] * (len(bodies) - 1)
    for answer in answers:
        if answer.status_code == 400:
            assert [(f["faultCode"], f["field"]) for f in answer.json()["faults"]] == [
                (90074, "username")
            ]
    engine = sa.create_engine(postgres)
    with engine.connect() as connection:
        stored = connection.execute(
            sa.text("SELECT count(*) FROM customer WHERE username_key = :key"),
            {"key": name.lower()},
        ).scalar()
    engine.dispose()
    assert stored == 1

    # The access log: a JSON line per request with its id, tenant and door; never a password.
    access = {line["request_id"]: line for line in log if line["logger"] == "gunicorn.access"}
    for answer in answers:
        line = access[answer.headers["X-Request-Id"]]
        assert (line["method"], line["path"], line["status"]) == (
            "POST",
            REGISTER,
            answer.status_code,
        )
        assert (line["tenant"], line["door"]) == ("default", "api")
    assert STRONG_PASSWORD not in server.log_path.read_text()


@pytest.mark.slow
def test_a_limit_of_n_admits_exactly_n_across_workers(serve):
    with serve(RATELIMIT_PUBLIC_API="5 per hour") as server:
        answers = all_at_once(post_slowly, [(server.url + REGISTER, {})] * 15)
        assert requests.get(server.url + "/readyz", timeout=10).status_code == 200
    log = server.log_lines()

    statuses = sorted(status for status, _, _ in answers)
    assert statuses == [400] * 5 + [429] * 10
    for status, headers, body in answers:
        if status == 429:
            assert body["faultCode"] == 91004 and int(headers["Retry-After"]) > 0
    workers = {
        line["pid"]
        for line in log
        if line["logger"] == "gunicorn.access"
        and line["path"] == REGISTER
        and line["status"] == 400
    }
    assert len(workers) > 1, "the admitted requests should have reached several workers"


# --- the client address behind proxies ------------------------------------------------------


def post_from(client, forwarded_for, remote="10.0.0.9"):
    return client.post(
        REGISTER,
        json={},
        headers={"X-Forwarded-For": forwarded_for},
        environ_base={"REMOTE_ADDR": remote},
    ).status_code


def test_forwarded_for_names_the_client_behind_a_trusted_proxy(make_app):
    client = make_app(TRUSTED_PROXIES=1, RATELIMIT_PUBLIC_API="1 per hour").test_client()
    assert post_from(client, "203.0.113.5") == 400
    assert post_from(client, "198.51.100.7") == 400  # another client: its own allowance
    assert post_from(client, "203.0.113.5") == 429


def test_only_the_trusted_hops_of_forwarded_for_count(make_app):
    client = make_app(TRUSTED_PROXIES=1, RATELIMIT_PUBLIC_API="1 per hour").test_client()
    assert post_from(client, "192.0.2.1, 203.0.113.5") == 400
    # What the client wrote before the proxy's own entry changes nothing.
    assert post_from(client, "192.0.2.2, 203.0.113.5") == 429


def test_forwarded_for_is_ignored_without_trusted_proxies(make_app):
    client = make_app(RATELIMIT_PUBLIC_API="1 per hour").test_client()
    assert post_from(client, "203.0.113.5") == 400
    assert post_from(client, "198.51.100.7") == 429  # same sender, whatever it claims


# --- a rate-limit store that does not answer --------------------------------------------------


def test_an_unreachable_store_lets_requests_through_and_logs_an_error(tmp_path, caplog):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'open.sqlite'}",
            "TENANTS_FILE": str(tmp_path / "tenants.toml"),
            "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{free_port()}/0",
            "RATELIMIT_PUBLIC_API": "1 per hour",
        }
    )
    client = app.test_client()
    with caplog.at_level(logging.ERROR, logger="flask-limiter"):
        statuses = [client.post(REGISTER, json={}).status_code for _ in range(3)]
    assert statuses == [400, 400, 400]
    assert any(r.levelno == logging.ERROR for r in caplog.records if r.name == "flask-limiter")
    assert client.get("/readyz").status_code == 503

"""Logs: JSON lines carrying the request id, tenant and door; never a password or a stored row."""

import json
import logging
import re
import runpy
import sys
import types
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from conftest import valid_customer
from flask_migrate import upgrade
from gunicorn.config import Config

from webapp import registration
from webapp.database.schema import migrations
from webapp.http.logs import ENVIRON_KEY, JsonFormatter
from webapp.registration import store

ROOT = Path(__file__).resolve().parent.parent


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_a_request_gets_an_id_in_x_request_id(client):
    first = client.get("/healthz").headers["X-Request-Id"]
    second = client.get("/healthz").headers["X-Request-Id"]
    assert len(first) == 32 and first != second


def test_a_client_cannot_choose_its_request_id(client):
    response = client.get("/healthz", headers={"X-Request-Id": "chosen-by-client"})
    assert response.headers["X-Request-Id"] != "chosen-by-client"


def test_a_trusted_proxy_passes_its_request_id_on(make_app):
    client = make_app(TRUSTED_PROXIES=1).test_client()
    response = client.get("/healthz", headers={"X-Request-Id": "lb-7f3a.42"})
    assert response.headers["X-Request-Id"] == "lb-7f3a.42"


def test_a_malformed_request_id_is_replaced_even_from_a_proxy(make_app):
    client = make_app(TRUSTED_PROXIES=1).test_client()
    for offered in ("has space", "x" * 129, "semi;colon"):
        response = client.get("/healthz", headers={"X-Request-Id": offered})
        assert response.headers["X-Request-Id"] != offered


def test_an_unexpected_error_is_one_json_line_with_request_tenant_and_door(
    client, monkeypatch, capsys
):
    def fail(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(registration, "register", fail)
    response = client.post("/api/v1/customers", json=valid_customer())
    assert response.status_code == 500
    assert response.get_json()["faultCode"] == 90061
    assert "boom" not in response.get_data(as_text=True)

    errors = [line for line in json_lines(capsys.readouterr().err) if line["level"] == "ERROR"]
    assert len(errors) == 1
    line = errors[0]
    assert line["request_id"] == response.headers["X-Request-Id"]
    assert line["tenant"] == "default" and line["door"] == "api"
    assert line["logger"] == "webapp.http.errors"
    assert "RuntimeError: boom" in line["error"]


def test_database_errors_are_logged_without_the_row(client, monkeypatch, capsys):
    stored = []
    build = store._customer

    def broken_customer(*args, **kwargs):
        customer = build(*args, **kwargs)
        customer.currency = None  # breaks NOT NULL: an error the service does not expect
        stored.append(customer)
        return customer

    monkeypatch.setattr(store, "_customer", broken_customer)
    body = valid_customer()
    response = client.post("/api/v1/customers", json=body)
    assert response.status_code == 500

    logged = capsys.readouterr().err
    error = next(line for line in json_lines(logged) if line["level"] == "ERROR")
    assert "IntegrityError" in error["error"]
    for secret in (body["password"], stored[0].password_hash, body["email"], body["username"]):
        assert secret not in logged


def server_environ(app):
    """The WSGI environ of each request as the server sees it (its access log reads them)."""
    seen, inner = [], app.wsgi_app

    def record(environ, start_response):
        seen.append(environ)
        return inner(environ, start_response)

    app.wsgi_app = record
    return seen


def test_a_logged_database_error_keeps_only_its_first_line():
    class DriverError(Exception):
        pass

    secret = "s3cret"
    message = f"null value in column\nDETAIL:  Failing row contains ({secret})"
    try:
        try:
            raise DriverError(message)
        except DriverError as original:
            raise sa.exc.IntegrityError("INSERT", {"p": secret}, original) from original
    except sa.exc.IntegrityError:
        text = JsonFormatter().formatException(sys.exc_info())
    assert secret not in text
    assert text.count("null value in column") == 2  # the driver's error, and SQLAlchemy's
    assert "direct cause" in text and text.endswith("null value in column")


def test_the_request_context_is_handed_to_the_access_log(app):
    seen = server_environ(app)
    response = app.test_client().post("/api/v1/customers?tenant=default", json=valid_customer())
    assert response.status_code == 201
    assert seen[0][ENVIRON_KEY] == {
        "request_id": response.headers["X-Request-Id"],
        "tenant": "default",
        "door": "api",
    }


def test_a_tenant_named_in_the_url_is_the_request_tenant(app):
    app.add_url_rule("/t/<tenant>/probe", "probe", lambda tenant: "")
    seen = server_environ(app)
    app.test_client().get("/t/acme/probe")
    assert seen[0][ENVIRON_KEY]["tenant"] == "acme"


def test_migrations_leave_the_logs_as_json_lines(app, capsys):
    with app.app_context():
        upgrade(directory=migrations(app).directory)
    logging.getLogger("webapp.test").info("after the upgrade")
    assert json_lines(capsys.readouterr().err)[-1]["message"] == "after the upgrade"


def test_a_line_outside_a_request_has_no_request_fields():
    record = logging.LogRecord(
        "webapp.worker", logging.WARNING, __file__, 1, "retrying %s", ("msg_1",), None
    )
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "retrying msg_1" and line["level"] == "WARNING"
    assert "request_id" not in line and "tenant" not in line


def test_a_links_token_never_reaches_the_access_log(app):
    # Whoever reads the token can verify the address, confirm or withdraw a consent, or set an
    # operator's password before the person does.
    seen = server_environ(app)
    client = app.test_client()
    for path in ("/verify/Mw.secret-Token_1", "/consent/withdraw/Mw.secret-Token_2"):
        client.get(path)  # a friendly 400 page: no such link
    client.get("/console/setup/secret-Token_3")
    client.get("/api/v1/customers/a-customer-id")
    assert [environ[ENVIRON_KEY].get("path") for environ in seen] == [
        "/verify/<token>",
        "/consent/withdraw/<token>",
        "/console/setup/<token>",
        None,  # the server logs its own path: nothing secret in it
    ]


def test_gunicorns_access_line_takes_the_path_the_app_noted(tmp_path, monkeypatch):
    # A metrics folder named, so that reading the file names none for this process.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    logger_class = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["JsonAccessLogger"]
    logger = logger_class(Config())
    lines = []
    logger.access_log = types.SimpleNamespace(info=lambda _, extra: lines.append(extra["fields"]))
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/verify/Mw.secret-Token",
        ENVIRON_KEY: {"request_id": "r1", "path": "/verify/<token>"},
    }
    response = types.SimpleNamespace(status="400 BAD REQUEST", sent=10, response_length=10)
    logger.access(response, None, environ, timedelta(milliseconds=3))
    assert lines[0]["path"] == "/verify/<token>" and "secret" not in json.dumps(lines)
    assert lines[0]["bytes"] == 10

    # A static file gunicorn hands to sendfile(), which it does not count; a HEAD sends none.
    static = types.SimpleNamespace(status="200 OK", sent=0, response_length=10788)
    logger.access(static, None, {"REQUEST_METHOD": "GET", "PATH_INFO": "/static/x.js"}, timedelta())
    logger.access(
        static, None, {"REQUEST_METHOD": "HEAD", "PATH_INFO": "/static/x.js"}, timedelta()
    )
    assert [line["bytes"] for line in lines[1:]] == [10788, 0]


def test_nginxs_log_hides_the_token_of_every_route_that_has_one(app):
    links = {
        rule.rule.partition("<token>")[0].strip("/")
        for rule in app.url_map.iter_rules()
        if "token" in rule.arguments
    }
    config = (ROOT / "deploy" / "nginx.conf").read_text()
    listed = re.search(r"\^\(\?<link>/\(([^)]*)\)/\)", config).group(1)
    assert set(listed.split("|")) == links

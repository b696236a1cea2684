"""Fixtures: an app per test on a fresh database, its client, and helpers to register customers.

By default every test gets its own SQLite file, a copy of one migrated once for the session.
With TEST_DATABASE_URL (PostgreSQL) one fresh database serves the session and is emptied after
each test; with TEST_RATELIMIT_STORAGE_URI (Redis) rate limits live there and are flushed after
each test.
"""

import base64
import hashlib
import hmac
import itertools
import os
import sqlite3
import textwrap
import threading
import time
import uuid
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa
from standardwebhooks import Webhook

from webapp import create_app
from webapp.database.schema import migrations
from webapp.extensions import db

# Cheap argon2 parameters keep the suite fast; one test checks the shipped defaults.
FAST_HASHING = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024, "ARGON2_PARALLELISM": 1}
STRONG_PASSWORD = "violet-Harbour-tangent-93"
CUSTOMERS = "/api/v1/customers"
_serial = itertools.count(1)


@pytest.fixture(scope="session")
def database_url():
    """A fresh PostgreSQL database for the session when TEST_DATABASE_URL is set, else None."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield None
        return
    name = f"webapp_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SECRET_KEY": "test-secret-key"}
    )
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(directory=migrations(app).directory)
        db.engine.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory, database_url):
    """Without TEST_DATABASE_URL: a SQLite file the migrations ran on once, for tests to copy."""
    if database_url:
        return None
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "TENANTS_FILE": str(path.with_suffix(".toml")),
        }
    )
    with app.app_context():
        db.engine.dispose()
    return path


def copy_sqlite(source, target):
    """A consistent copy, whatever the write-ahead log still holds."""
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    origin.close()
    copy.close()


@pytest.fixture
def make_app(tmp_path, database_url, sqlite_template):
    """make_app(tenants="toml text", **config) builds an app on this test's database."""
    made = []
    database = tmp_path / "test.sqlite"

    def build(tenants=None, **config):
        tenants_file = tmp_path / f"tenants-{len(made)}.toml"
        # Always a file (an empty one serves the built-in tenant alone, as no file does): a
        # TENANTS_FILE named but missing is warned about at each start.
        tenants_file.write_text(textwrap.dedent(tenants or ""))
        if sqlite_template and not database.exists():
            copy_sqlite(sqlite_template, database)
        settings = {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{database}",
            "TENANTS_FILE": str(tenants_file),
            "RATELIMIT_STORAGE_URI": os.environ.get("TEST_RATELIMIT_STORAGE_URI", "memory://"),
            "WTF_CSRF_ENABLED": False,
            "MIN_WIZARD_SECONDS": 0,  # the pace rule has tests of its own, with a set clock
            **FAST_HASHING,
            **config,
        }
        app = create_app(settings)
        made.append(app)
        return app

    yield build
    for app in made:
        with app.app_context():
            if database_url:
                tables = ", ".join(t.name for t in db.metadata.sorted_tables)
                # As a replica applies changes: the audit log's triggers refuse TRUNCATE otherwise.
                db.session.execute(sa.text("SET LOCAL session_replication_role = replica"))
                db.session.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
                db.session.commit()
            db.session.remove()
            db.engine.dispose()
        from webapp.extensions import limiter

        if limiter.enabled:  # a disabled limiter has no storage to reset
            limiter.reset()


@pytest.fixture
def app(make_app, request):
    """An app on the test module's tenants file (its TENANTS text), where it has one."""
    return make_app(getattr(request.module, "TENANTS", None))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@contextmanager
def statements(app):
    """The SQL statements the app runs inside the block, in order: through SQLAlchemy's
    connections, and the reads sent on a DBAPI connection of its pool (webapp/database/reads.py)."""
    from webapp.database import reads

    seen = []
    fetch_all = reads.fetch_all

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.split()))

    def read(statement, params):
        record(None, None, reads.sql(statement), params, None, False)
        return fetch_all(statement, params)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    reads.fetch_all = read
    try:
        yield seen
    finally:
        reads.fetch_all = fetch_all
        sa.event.remove(engine, "before_cursor_execute", record)


def unique(prefix="user"):
    return f"{prefix}{next(_serial)}_{uuid.uuid4().hex[:6]}"


def valid_customer(**overrides):
    """A customer that registers cleanly; keyword arguments replace or (None) drop fields."""
    name = unique()
    body = {
        "username": name,
        "password": STRONG_PASSWORD,
        "email": f"{name}@example.com",
        "title": "Ms",
        "forename": "Ada",
        "surname": "Lovelace",
        "dateOfBirth": "1990-03-27",
        "consents": {"consentIds": ["terms", "privacy"], "contactMethods": ["email"]},
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


def fault_codes(response):
    return [item["faultCode"] for item in response.get_json()["faults"]]


def faults(response):
    """The (faultCode, field) pairs of a fault body, in order."""
    return [(item["faultCode"], item.get("field")) for item in response.get_json()["faults"]]


def stored_customer(app, **where):
    """The customer stored with the column values `where` (id=..., number=...), detached."""
    from webapp.models import Customer

    with app.app_context():
        customer = db.session.execute(sa.select(Customer).filter_by(**where)).scalar_one()
        db.session.expunge(customer)
        return customer


def make_api_key(app, tenant="default"):
    """A new API key of `tenant`, as the operator's command makes it: (key id, secret)."""
    from webapp.auth.credentials import create_api_key

    with app.app_context():
        return create_api_key(tenant)


def bearer(app, tenant="default"):
    """An Authorization header with a new API key of `tenant`."""
    key_id, secret = make_api_key(app, tenant)
    return {"Authorization": f"Bearer {key_id}.{secret}"}


def hmac_headers(key_id, secret, method, path, body=b"", timestamp=None):
    """The headers that sign a request with HMAC, computed as a client would (contract
    section 4)."""
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    message = f"{timestamp}\n{method}\n{path}\n{hashlib.sha256(body).hexdigest()}"
    signature = hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()
    return {"X-Key-Id": key_id, "X-Timestamp": timestamp, "X-Signature": signature}


WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"a partner's webhook secret, 32 b").decode()


class WebhookReceiver:
    """A partner's webhook endpoint on 127.0.0.1 that records every POST and answers it with the
    next status of `statuses`, or 200 once they run out."""

    def __init__(self, statuses=()):
        self.statuses = list(statuses)
        self.received = []  # (headers, body) of each POST, in order
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.received.append((dict(self.headers), body))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_port}/hooks/signup"

    @property
    def tenant_keys(self):
        """The tenants-file lines that send a tenant's webhooks here."""
        return f'webhook_url = "{self.url}"\nwebhook_secret = "{WEBHOOK_SECRET}"\n'

    def events(self):
        """Every event received, each verified as a partner would, with standardwebhooks."""
        return [Webhook(WEBHOOK_SECRET).verify(body, headers) for headers, body in self.received]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook_receiver():
    """webhook_receiver(statuses=()) starts a WebhookReceiver; all are stopped after the test."""
    started = []

    def start(statuses=()):
        started.append(WebhookReceiver(statuses))
        return started[-1]

    yield start
    for receiver in started:
        receiver.close()


def deliver_outbox(app, now=None):
    """Deliver what the outbox holds that is due (at `now`, naive UTC), as `flask --app webapp
    worker --once` does; returns a Counter of outcomes ('sent', 'retry', 'failed')."""
    from webapp.outbox.worker import run_once

    return run_once(app, now)

"""The outbox lease (docs/production.md): a claimed batch is held for the sum of its messages'
attempt bounds (each kind's own timeout) plus a margin, or for OUTBOX_LEASE_SECONDS when set."""

import socket
from datetime import datetime

import pytest
from conftest import WEBHOOK_SECRET, valid_customer

from webapp.extensions import db
from webapp.models import OutboxMessage
from webapp.outbox import mail
from webapp.outbox.lease import MARGIN_SECONDS, SMTP_EXCHANGES
from webapp.outbox.worker import Worker

# The worker's clock, later than any message written by the test so that every one is due.
NOW = datetime(2100, 1, 1, 12, 0, 0)


@pytest.fixture
def silent():
    """An address that accepts connections and never answers (a partner, a mail server)."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        yield server.getsockname()[1]


def _claimed_leases(app, **config):
    """Register a customer, let a worker claim its messages (their delivery hangs), and return
    each message's lease in seconds from the claim."""
    response = app.test_client().post("/api/v1/customers", json=valid_customer())
    assert response.status_code == 201
    app.config.update(config)
    worker = Worker(app, clock=lambda: NOW)
    try:
        with app.app_context():
            assert worker.dispatch() >= 1
            found = db.session.execute(db.select(OutboxMessage)).scalars().all()
            return sorted((m.kind, (m.next_attempt_at - NOW).total_seconds()) for m in found)
    finally:
        worker.stop.set()
        worker.close()


def _tenant(port, email):
    return (
        f"[tenants.default]\nsend_account_email = {'true' if email else 'false'}\n"
        f'webhook_url = "http://127.0.0.1:{port}/hooks"\nwebhook_secret = "{WEBHOOK_SECRET}"\n'
    )


def test_a_webhook_is_held_for_its_timeout_plus_the_margin(make_app, silent):
    app = make_app(_tenant(silent, email=False), WEBHOOK_TIMEOUT=1)
    assert _claimed_leases(app) == [("webhook", 1 + MARGIN_SECONDS)]


def test_a_batch_is_held_for_each_of_its_attempts_one_after_another(make_app, silent, monkeypatch):
    monkeypatch.setattr(mail, "SMTP_TIMEOUT", 1)
    app = make_app(
        _tenant(silent, email=True), WEBHOOK_TIMEOUT=1, MAIL_SERVER="127.0.0.1", MAIL_PORT=silent
    )
    lease = SMTP_EXCHANGES * 1 + 1 + MARGIN_SECONDS
    assert _claimed_leases(app) == [("email", lease), ("webhook", lease)]


def test_outbox_lease_seconds_replaces_the_derived_lease(make_app, silent):
    app = make_app(_tenant(silent, email=False), WEBHOOK_TIMEOUT=1, OUTBOX_LEASE_SECONDS=90)
    assert _claimed_leases(app) == [("webhook", 90)]

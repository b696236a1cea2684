"""An Idempotency-Key whose request died holding it: a real process is killed (SIGKILL) in the
middle of a registration, and the retry with the same key and body takes the claim over once its
lease has run out, creating the customer once."""

import json
import signal
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa
from conftest import CUSTOMERS, faults, valid_customer
from servers import ROOT

from webapp.extensions import db
from webapp.models import Customer

# A process that registers through the app and stops for good inside the registration, after the
# key is claimed: as a worker does when it is killed, or ended by gunicorn's timeout.
HOLDER = """
import json, sys, threading
from webapp import create_app, registration
config, body = json.loads(sys.argv[1]), json.loads(sys.argv[2])

def stuck(*args, **kwargs):
    print("claimed", flush=True)
    threading.Event().wait()

registration.register = stuck
create_app(config).test_client().post("/api/v1/customers", json=body,
                                      headers={"Idempotency-Key": "order-1"})
"""
LEASE = 2


@pytest.fixture
def app(make_app):
    return make_app(IDEMPOTENCY_LEASE_SECONDS=LEASE)


def _customers(app):
    with app.app_context():
        return db.session.execute(sa.select(sa.func.count()).select_from(Customer)).scalar()


def _kill_mid_registration(app, body):
    keys = (
        "SQLALCHEMY_DATABASE_URI",
        "TENANTS_FILE",
        "SECRET_KEY",
        "TESTING",
        "RATELIMIT_ENABLED",
        "ARGON2_MEMORY_COST",
        "ARGON2_TIME_COST",
        "ARGON2_PARALLELISM",
    )
    config = {key: app.config[key] for key in keys}
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, json.dumps(config), json.dumps(body)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "claimed"
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
        holder.stdout.close()


def test_a_retry_takes_over_the_claim_of_a_killed_worker_and_registers_once(app, client):
    body = valid_customer()

    def retry():
        return client.post(CUSTOMERS, json=body, headers={"Idempotency-Key": "order-1"})

    _kill_mid_registration(app, body)
    started = time.monotonic()

    early = retry()  # the lease has not run out: the first request may still be running
    assert (early.status_code, faults(early)) == (409, [(91010, None)])

    time.sleep(max(0.0, LEASE + 0.2 - (time.monotonic() - started)))
    first = retry()
    assert first.status_code == 201
    again = retry()
    assert again.status_code == 201
    assert again.get_json()["customerId"] == first.get_json()["customerId"]
    assert _customers(app) == 1


def test_another_body_under_a_lapsed_claim_is_still_422(app, client):
    body = valid_customer()
    _kill_mid_registration(app, body)
    time.sleep(LEASE + 0.2)
    other = client.post(CUSTOMERS, json=valid_customer(), headers={"Idempotency-Key": "order-1"})
    assert (other.status_code, faults(other)) == (422, [(91007, None)])
    assert _customers(app) == 0

"""An HMAC-signed request that creates is good once: the same signature again within its 300 s
window is 401 91005, on every worker (the database remembers it). A read or an erasure, whose
repeat changes nothing, may be signed the same way twice within one second and is answered."""

import json
import time
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from conftest import CUSTOMERS, faults, hmac_headers, make_api_key, valid_customer

from webapp.auth import signatures
from webapp.extensions import db
from webapp.models import Customer, UsedSignature


@pytest.fixture
def key(app):
    return make_api_key(app)


def _signed(method, path, body=b"", key=None, timestamp=None):
    return hmac_headers(*key, method, path, body, timestamp)


def _customers(app):
    with app.app_context():
        return db.session.execute(sa.select(sa.func.count()).select_from(Customer)).scalar()


def test_a_replayed_post_is_401_and_creates_nothing(app, client, key):
    data = json.dumps(valid_customer()).encode()
    headers = {**_signed("POST", CUSTOMERS, data, key), "Content-Type": "application/json"}
    assert client.post(CUSTOMERS, data=data, headers=headers).status_code == 201
    replay = client.post(CUSTOMERS, data=data, headers=headers)
    assert (replay.status_code, faults(replay)) == (401, [(91005, None)])
    assert _customers(app) == 1


def test_an_exact_retry_with_its_idempotency_key_gets_the_first_answer(app, client, key):
    data = json.dumps(valid_customer()).encode()
    headers = {
        **_signed("POST", CUSTOMERS, data, key),
        "Content-Type": "application/json",
        "Idempotency-Key": "order-1",
    }
    first = client.post(CUSTOMERS, data=data, headers=headers)
    retry = client.post(CUSTOMERS, data=data, headers=headers)  # byte for byte, as urllib3 retries
    assert first.status_code == retry.status_code == 201
    assert retry.get_json() == first.get_json()
    assert retry.headers["Location"] == first.headers["Location"]
    assert _customers(app) == 1


@pytest.mark.parametrize("second_key", ["order-2", None])
def test_a_replay_with_a_key_that_has_no_answer_for_it_is_401(app, client, key, second_key):
    data = json.dumps(valid_customer()).encode()
    headers = {**_signed("POST", CUSTOMERS, data, key), "Content-Type": "application/json"}
    assert client.post(CUSTOMERS, data=data, headers=headers).status_code == 201
    again = {**headers, "Idempotency-Key": second_key} if second_key else headers
    replay = client.post(CUSTOMERS, data=data, headers=again)
    assert (replay.status_code, faults(replay)) == (401, [(91005, None)])
    assert _customers(app) == 1


def test_a_replayed_online_ordering_put_with_an_idempotency_key_is_401(client, key):
    data = json.dumps({"Customer": {"LastName": "Lovelace"}}).encode()  # refused: no EMail
    headers = {
        **_signed("PUT", "/v1/Customers", data, key),
        "Content-Type": "application/json",
        "Idempotency-Key": "order-1",
    }
    assert client.put("/v1/Customers", data=data, headers=headers).status_code == 400
    assert client.put("/v1/Customers", data=data, headers=headers).status_code == 401


def test_a_read_and_an_erasure_signed_twice_within_a_second_are_answered_each_time(client, key):
    data = json.dumps(valid_customer()).encode()
    created = client.post(
        CUSTOMERS,
        data=data,
        headers={**_signed("POST", CUSTOMERS, data, key), "Content-Type": "application/json"},
    )
    path = f"{CUSTOMERS}/{created.get_json()['customerId']}"
    now = int(time.time())
    read = _signed("GET", path, key=key, timestamp=now)
    assert client.get(path, headers=read).status_code == 200
    assert client.get(path, headers=_signed("GET", path, key=key, timestamp=now)).status_code == 200
    erase = _signed("DELETE", path, key=key, timestamp=now)
    assert client.delete(path, headers=erase).status_code == 204
    again = client.delete(path, headers=erase)
    assert (again.status_code, faults(again)) == (410, [(91019, None)])
    assert client.get(path, headers=read).status_code == 410


def _refused_put(key, timestamp=None):
    """A signed online-ordering PUT that creates nothing (no EMail), and its body."""
    data = json.dumps({"Customer": {"LastName": "Lovelace"}}).encode()
    headers = _signed("PUT", "/v1/Customers", data, key, timestamp)
    return data, {**headers, "Content-Type": "application/json"}


def test_a_replay_to_another_worker_is_401(make_app, app, key):
    data, headers = _refused_put(key)
    assert app.test_client().put("/v1/Customers", data=data, headers=headers).status_code == 400
    other_worker = make_app()  # its own app and connections, the same database
    replay = other_worker.test_client().put("/v1/Customers", data=data, headers=headers)
    assert replay.status_code == 401


def test_each_fresh_signature_is_accepted(client, key):
    now = int(time.time())
    for timestamp in (now - 1, now):
        data, headers = _refused_put(key, timestamp)
        assert client.put("/v1/Customers", data=data, headers=headers).status_code == 400


def test_a_replay_in_the_last_second_of_the_window_is_401(client, key, monkeypatch):
    now = 1_900_000_000.9  # late in the server's second: the window's last one for `now - 300`
    monkeypatch.setattr(time, "time", lambda: now)
    monkeypatch.setattr(
        signatures, "utcnow", lambda: datetime.fromtimestamp(now, UTC).replace(tzinfo=None)
    )
    data, headers = _refused_put(key, timestamp=int(now) - 300)
    assert client.put("/v1/Customers", data=data, headers=headers).status_code == 400
    assert client.put("/v1/Customers", data=data, headers=headers).status_code == 401


def test_signatures_are_forgotten_once_out_of_their_window(app, client, key):
    old = int(time.time()) - 299  # still inside the window: accepted, remembered until +2 s
    data, headers = _refused_put(key, timestamp=old)
    assert client.put("/v1/Customers", data=data, headers=headers).status_code == 400
    time.sleep(2.1)
    data, headers = _refused_put(key)
    client.put("/v1/Customers", data=data, headers=headers)  # any later check sweeps
    with app.app_context():
        assert db.session.query(UsedSignature).count() == 1

"""On the dialect doors the email is the username (contract section 1): any valid address is a
valid username there, `+` and all; uniqueness is as everywhere. Other doors keep the username's
own characters."""

import pytest
from conftest import CUSTOMERS, STRONG_PASSWORD, faults, make_api_key, valid_customer

TENANTS = """
[tenants.default]
store_id = 1001
"""


@pytest.fixture
def app(make_app):
    return make_app(TENANTS)


@pytest.fixture
def auth(app):
    key_id, secret = make_api_key(app)
    return {"Authorization": f"Bearer {key_id}.{secret}"}


def web_store(client, auth, email):
    return client.post("/api/v3/1001/customers", json={"email": email}, headers=auth)


def online_ordering(client, auth, email):
    body = {
        "Customer": {"EMail": email, "LastName": "Lee"},
        "Password": STRONG_PASSWORD,
        "SecurityQuestion": "Q?",
        "SecurityAnswer": "A",
    }
    return client.put("/v1/Customers", json=body, headers=auth)


@pytest.mark.parametrize("door", [web_store, online_ordering])
def test_an_address_with_plus_registers_and_stays_unique(client, auth, door):
    assert door(client, auth, "ann+shop@example.com").status_code == 200
    assert door(client, auth, "ANN+shop@example.com").status_code == 409


@pytest.mark.parametrize("door, status", [(web_store, 400), (online_ordering, 400)])
def test_an_invalid_address_is_still_refused(client, auth, door, status):
    assert door(client, auth, "ann+shop@").status_code == status


def test_the_json_api_keeps_the_username_rule(client):
    body = valid_customer(username="ann+shop@example.com")
    assert faults(client.post(CUSTOMERS, json=body)) == [(90030, "username")]

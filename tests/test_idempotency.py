"""Idempotency-Key on the JSON API (section 4): replays, conflicts, limits and scopes."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from conftest import CUSTOMERS, faults, make_api_key, valid_customer

from webapp.extensions import db
from webapp.models import Customer, IdempotencyRecord, utcnow

TENANTS = """
[tenants.acme]
name = "Acme"
"""


def customers(app):
    with app.app_context():
        return db.session.execute(sa.select(sa.func.count()).select_from(Customer)).scalar()


def post(client, body, key, **headers):
    return client.post(CUSTOMERS, json=body, headers={"Idempotency-Key": key, **headers})


def test_same_key_and_body_replays_the_first_answer_and_creates_nothing(app, client):
    body = valid_customer()
    first = post(client, body, "order-1")
    again = post(client, body, "order-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"]
    assert customers(app) == 1


def test_the_same_body_in_another_key_order_is_the_same_body(app, client):
    body = valid_customer()
    post(client, body, "order-2")
    again = post(client, dict(reversed(list(body.items()))), "order-2")
    assert again.status_code == 201
    assert customers(app) == 1


def test_same_key_with_another_body_is_422_91007(app, client):
    assert post(client, valid_customer(), "order-3").status_code == 201
    response = post(client, valid_customer(), "order-3")
    assert response.status_code == 422
    assert faults(response) == [(91007, None)]
    assert customers(app) == 1


def test_without_a_key_the_same_body_is_a_second_attempt(client):
    body = valid_customer()
    assert client.post(CUSTOMERS, json=body).status_code == 201
    assert client.post(CUSTOMERS, json=body).status_code == 400  # username taken


def test_key_of_255_characters_is_accepted(client):
    assert post(client, valid_customer(), "k" * 255).status_code == 201


def as_sent(text):
    """A header value as WSGI hands it over: its UTF-8 bytes, one Latin-1 character each."""
    return text.encode("utf-8").decode("latin-1")


def test_a_key_in_utf_8_counts_characters_not_bytes(app, client):
    key, body = "é" * 255, valid_customer()
    first = post(client, body, as_sent(key))
    assert first.status_code == 201, first.get_json()
    assert post(client, body, as_sent(key)).get_json() == first.get_json()
    over = post(client, valid_customer(), as_sent(key + "é"))
    assert faults(over) == [(91000, "Idempotency-Key")]
    assert customers(app) == 1


@pytest.mark.parametrize("key", ["k" * 256, "", "order\x00-1", "order\x1b-1", "order\x85"])
def test_key_empty_over_255_characters_or_with_control_characters_is_91000(app, client, key):
    response = post(client, valid_customer(), key)
    assert response.status_code == 400
    assert faults(response) == [(91000, "Idempotency-Key")]
    assert customers(app) == 0


def test_a_malformed_key_is_listed_with_the_bodys_faults(app, client):
    response = post(client, valid_customer(surname=""), "k" * 256)
    assert faults(response) == [(91000, "surname"), (91000, "Idempotency-Key")]
    assert "Idempotency-Key: Must be 1 to 255 characters" in [
        f["message"] for f in response.get_json()["faults"]
    ]
    assert customers(app) == 0


def test_a_refused_body_is_answered_again_and_its_key_stays_spent(app, client):
    refused = valid_customer(username="")
    first = post(client, refused, "order-4")
    assert first.status_code == 400
    again = post(client, refused, "order-4")
    assert (again.status_code, again.get_json()) == (400, first.get_json())
    assert faults(post(client, valid_customer(), "order-4")) == [(91007, None)]
    assert customers(app) == 0


def test_keys_are_scoped_to_the_api_key(app, client):
    first, second = make_api_key(app), make_api_key(app)
    for key_id, secret in (first, second):
        response = post(
            client, valid_customer(), "shared", Authorization=f"Bearer {key_id}.{secret}"
        )
        assert response.status_code == 201
    assert customers(app) == 2


def test_public_keys_are_scoped_to_the_tenant(app, client):
    assert post(client, valid_customer(), "shared").status_code == 201
    response = client.post(
        f"{CUSTOMERS}?tenant=acme", json=valid_customer(), headers={"Idempotency-Key": "shared"}
    )
    assert response.status_code == 201
    assert customers(app) == 2


def test_a_public_key_and_an_api_key_do_not_share_keys(app, client):
    assert post(client, valid_customer(), "shared").status_code == 201
    key_id, secret = make_api_key(app)
    response = post(client, valid_customer(), "shared", Authorization=f"Bearer {key_id}.{secret}")
    assert response.status_code == 201


def test_a_key_older_than_24_hours_is_forgotten(app, client):
    assert post(client, valid_customer(), "order-5").status_code == 201
    with app.app_context():
        db.session.execute(
            sa.update(IdempotencyRecord).values(
                created_at=utcnow() - timedelta(hours=24, seconds=1)
            )
        )
        db.session.commit()
    assert post(client, valid_customer(), "order-5").status_code == 201
    assert customers(app) == 2


def test_a_key_younger_than_24_hours_is_remembered(app, client):
    assert post(client, valid_customer(), "order-6").status_code == 201
    with app.app_context():
        db.session.execute(
            sa.update(IdempotencyRecord).values(
                created_at=utcnow() - timedelta(hours=23, minutes=59)
            )
        )
        db.session.commit()
    assert post(client, valid_customer(), "order-6").status_code == 422


def test_a_key_whose_first_request_is_still_running_is_409(app, client):
    body = valid_customer()
    with app.app_context():
        import json

        from webapp.auth.idempotency import fingerprint

        db.session.add(
            IdempotencyRecord(
                scope="tenant:default",
                key="order-7",
                fingerprint=fingerprint(
                    CUSTOMERS.encode(), json.dumps(body, sort_keys=True).encode()
                ),
            )
        )
        db.session.commit()
    response = post(client, body, "order-7")
    assert response.status_code == 409
    assert faults(response) == [(91010, None)]
    assert customers(app) == 0

"""API keys as operators manage them (contract section 14): last use noted, revoked means 401
at every door and with either way of presenting the key."""

import json

from conftest import hmac_headers, make_api_key, valid_customer

from webapp.auth.keys import revoke
from webapp.extensions import db
from webapp.models import ApiKey

CUSTOMERS = "/api/v1/customers"


def key_row(app, key_id):
    with app.app_context():
        key = db.session.get(ApiKey, key_id)
        db.session.expunge(key)
        return key


def test_last_use_is_noted_only_for_a_good_secret(app, client):
    key_id, secret = make_api_key(app)
    client.post(CUSTOMERS, json=valid_customer(), headers={"Authorization": f"Bearer {key_id}.x"})
    assert key_row(app, key_id).last_used_at is None
    client.post(
        CUSTOMERS, json=valid_customer(), headers={"Authorization": f"Bearer {key_id}.{secret}"}
    )
    assert key_row(app, key_id).last_used_at is not None


def test_a_revoked_key_is_401_with_bearer_and_hmac(app, client):
    key_id, secret = make_api_key(app)
    with app.app_context():
        revoke(key_id)
        db.session.commit()
    bearer = client.post(
        CUSTOMERS, json=valid_customer(), headers={"Authorization": f"Bearer {key_id}.{secret}"}
    )
    assert bearer.status_code == 401
    body = json.dumps(valid_customer()).encode()
    signed = client.post(
        CUSTOMERS,
        data=body,
        content_type="application/json",
        headers=hmac_headers(key_id, secret, "POST", CUSTOMERS, body),
    )
    assert signed.status_code == 401
    dialect = client.put(
        "/v1/Customers",
        data=b"{}",
        content_type="application/json",
        headers={"Authorization": f"Bearer {key_id}.{secret}"},
    )
    assert dialect.status_code == 401


def test_revoking_keeps_the_first_revocation_time(app):
    key_id, _ = make_api_key(app)
    with app.app_context():
        key, now = revoke(key_id)
        first = key.revoked_at
        assert now and first is not None
        db.session.commit()
        key, now = revoke(key_id)
        assert key.revoked_at == first and not now
        assert revoke(key_id, "another-tenant") == (None, False)

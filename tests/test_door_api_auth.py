"""Who is registering through the JSON API: public, Bearer or HMAC, and which tenant (section 4)."""

import json
import time
from datetime import datetime
from urllib.parse import quote

import pytest
from conftest import CUSTOMERS, faults, hmac_headers, make_api_key, valid_customer

from webapp.extensions import db
from webapp.models import ApiKey

TENANTS = """
[tenants.acme]
name = "Acme"

[tenants.closed]
name = "Members only"
public_registration = false
"""


@pytest.fixture
def acme_key(app):
    return make_api_key(app, "acme")


def bearer(key):
    key_id, secret = key
    return {"Authorization": f"Bearer {key_id}.{secret}"}


def signed_post(client, key, path=CUSTOMERS, body=None, timestamp=None, **extra_headers):
    data = json.dumps(body if body is not None else valid_customer()).encode()
    headers = {**hmac_headers(*key, "POST", path, data, timestamp), **extra_headers}
    return client.post(path, data=data, content_type="application/json", headers=headers)


def assert_unauthorized(response):
    assert response.status_code == 401
    assert faults(response) == [(91005, None)]


# --- public -----------------------------------------------------------------------------------


def test_public_registration_goes_to_the_default_tenant(client):
    body = client.post(CUSTOMERS, json=valid_customer()).get_json()
    assert (body["tenantId"], body["source"], body["userId"]) == ("default", "CUSTOMER", None)


def test_public_registration_names_its_tenant_in_the_query(client):
    response = client.post(f"{CUSTOMERS}?tenant=acme", json=valid_customer())
    assert response.status_code == 201
    assert response.get_json()["tenantId"] == "acme"


@pytest.mark.parametrize("slug", ["nope", "", "ACME", "acme%20"])
def test_unknown_tenant_is_404_91009(client, slug):
    response = client.post(f"{CUSTOMERS}?tenant={slug}", json=valid_customer())
    assert response.status_code == 404
    assert faults(response) == [(91009, None)]


def test_tenant_without_public_registration_needs_credentials(app, client):
    assert_unauthorized(client.post(f"{CUSTOMERS}?tenant=closed", json=valid_customer()))
    key = make_api_key(app, "closed")
    response = client.post(CUSTOMERS, json=valid_customer(), headers=bearer(key))
    assert response.status_code == 201
    assert response.get_json()["tenantId"] == "closed"


CLIENT_CLAIMS = {"X-Tenant-Id": "acme", "X-User-Id": "admin", "X-Source": "HMAC"}


def test_client_claims_are_ignored_on_public_requests(client):
    body = client.post(CUSTOMERS, json=valid_customer(), headers=CLIENT_CLAIMS).get_json()
    assert (body["tenantId"], body["source"], body["userId"]) == ("default", "CUSTOMER", None)


def test_client_claims_are_ignored_with_credentials(app, client):
    key = make_api_key(app)
    body = client.post(
        CUSTOMERS, json=valid_customer(), headers={**bearer(key), **CLIENT_CLAIMS}
    ).get_json()
    assert (body["tenantId"], body["source"], body["userId"]) == ("default", "USER", key[0])


# --- Bearer -----------------------------------------------------------------------------------


def test_bearer_key_decides_tenant_source_and_user(client, acme_key):
    response = client.post(CUSTOMERS, json=valid_customer(), headers=bearer(acme_key))
    assert response.status_code == 201
    body = response.get_json()
    assert (body["tenantId"], body["source"], body["userId"]) == ("acme", "USER", acme_key[0])


def test_bearer_key_wins_over_the_tenant_in_the_query(client, acme_key):
    response = client.post(
        f"{CUSTOMERS}?tenant=default", json=valid_customer(), headers=bearer(acme_key)
    )
    assert response.get_json()["tenantId"] == "acme"


def test_bearer_scheme_is_case_insensitive(client, acme_key):
    key_id, secret = acme_key
    response = client.post(
        CUSTOMERS, json=valid_customer(), headers={"Authorization": f"bearer {key_id}.{secret}"}
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer",
        "Bearer ",
        "Basic YWRhOnNlY3JldA==",
        "Bearer nodot",
        "Bearer key_0000000000000000.x",
        "Bearer .",
        "Bearer key_\u00e9.secret",
        "Token abc.def",
    ],
)
def test_bad_authorization_is_401_91005(client, acme_key, authorization):
    assert_unauthorized(
        client.post(CUSTOMERS, json=valid_customer(), headers={"Authorization": authorization})
    )


def test_bearer_with_a_wrong_secret_is_401(client, acme_key):
    key_id, secret = acme_key
    wrong = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    assert_unauthorized(
        client.post(
            CUSTOMERS, json=valid_customer(), headers={"Authorization": f"Bearer {key_id}.{wrong}"}
        )
    )


def test_revoked_key_is_401(app, client, acme_key):
    with app.app_context():
        db.session.get(ApiKey, acme_key[0]).revoked_at = datetime(2026, 1, 1)
        db.session.commit()
    assert_unauthorized(client.post(CUSTOMERS, json=valid_customer(), headers=bearer(acme_key)))
    assert_unauthorized(signed_post(client, acme_key))


def test_bad_credentials_are_401_even_where_public_registration_is_open(client):
    response = client.post(
        CUSTOMERS, json=valid_customer(), headers={"Authorization": "Bearer key_nope.nope"}
    )
    assert_unauthorized(response)


# --- HMAC -------------------------------------------------------------------------------------


def test_hmac_decides_tenant_source_and_user(client, acme_key):
    response = signed_post(client, acme_key)
    assert response.status_code == 201
    body = response.get_json()
    assert (body["tenantId"], body["source"], body["userId"]) == ("acme", "HMAC", acme_key[0])


def test_hmac_signs_the_path_with_its_query_string(client, acme_key):
    path = f"{CUSTOMERS}?tenant=default"
    data = json.dumps(valid_customer()).encode()
    signed = client.post(
        path,
        data=data,
        content_type="application/json",
        headers=hmac_headers(*acme_key, "POST", path, data),
    )
    assert signed.status_code == 201
    assert signed.get_json()["tenantId"] == "acme"
    unsigned_query = client.post(
        path,
        data=data,
        content_type="application/json",
        headers=hmac_headers(*acme_key, "POST", CUSTOMERS, data),
    )
    assert_unauthorized(unsigned_query)


def test_hmac_path_without_a_query_has_no_question_mark(client, acme_key):
    data = json.dumps(valid_customer()).encode()
    response = client.post(
        CUSTOMERS,
        data=data,
        content_type="application/json",
        headers=hmac_headers(*acme_key, "POST", CUSTOMERS + "?", data),
    )
    assert_unauthorized(response)


def test_hmac_over_another_body_is_401(client, acme_key):
    signed = json.dumps(valid_customer()).encode()
    sent = json.dumps(valid_customer()).encode()
    response = client.post(
        CUSTOMERS,
        data=sent,
        content_type="application/json",
        headers=hmac_headers(*acme_key, "POST", CUSTOMERS, signed),
    )
    assert_unauthorized(response)


def test_hmac_with_another_method_is_401(client, acme_key):
    data = json.dumps(valid_customer()).encode()
    response = client.post(
        CUSTOMERS,
        data=data,
        content_type="application/json",
        headers=hmac_headers(*acme_key, "PUT", CUSTOMERS, data),
    )
    assert_unauthorized(response)


def test_hmac_signed_with_a_wrong_secret_is_401(client, acme_key):
    assert_unauthorized(signed_post(client, (acme_key[0], acme_key[1] + "x")))


def test_hmac_signature_may_be_upper_case_hex(client, acme_key):
    data = json.dumps(valid_customer()).encode()
    headers = hmac_headers(*acme_key, "POST", CUSTOMERS, data)
    headers["X-Signature"] = headers["X-Signature"].upper()
    response = client.post(CUSTOMERS, data=data, content_type="application/json", headers=headers)
    assert response.status_code == 201


@pytest.fixture
def frozen_clock(monkeypatch):
    now = 1_900_000_000
    monkeypatch.setattr(time, "time", lambda: now)
    return now


@pytest.mark.parametrize("offset", [-300, 300, 0])
def test_hmac_timestamp_within_300_seconds_is_accepted(client, acme_key, frozen_clock, offset):
    assert signed_post(client, acme_key, timestamp=frozen_clock + offset).status_code == 201


@pytest.mark.parametrize("offset", [-300, 300])
def test_hmac_window_counts_whole_seconds_both_ways(client, acme_key, monkeypatch, offset):
    now = 1_900_000_000
    monkeypatch.setattr(time, "time", lambda: now + 0.9)  # late in the server's second
    assert signed_post(client, acme_key, timestamp=now + offset).status_code == 201


@pytest.mark.parametrize("offset", [-301, 301, -86400])
def test_hmac_timestamp_further_away_is_401(client, acme_key, frozen_clock, offset):
    assert_unauthorized(signed_post(client, acme_key, timestamp=frozen_clock + offset))


@pytest.mark.parametrize("missing", ["X-Key-Id", "X-Timestamp", "X-Signature"])
def test_hmac_with_a_header_missing_is_401(client, acme_key, missing):
    data = json.dumps(valid_customer()).encode()
    headers = hmac_headers(*acme_key, "POST", CUSTOMERS, data)
    del headers[missing]
    assert_unauthorized(
        client.post(CUSTOMERS, data=data, content_type="application/json", headers=headers)
    )


@pytest.mark.parametrize(
    "header, value",
    [
        ("X-Timestamp", "\u00b2"),
        ("X-Timestamp", "1.5e9"),
        ("X-Timestamp", "-1"),
        ("X-Timestamp", "9" * 400),
        ("X-Signature", "\u00e9"),
        ("X-Signature", "zz"),
        ("X-Key-Id", "key_\u00e9"),
        ("X-Key-Id", "k" * 500),
    ],
)
def test_hmac_headers_of_any_shape_are_401_never_500(client, acme_key, header, value):
    data = json.dumps(valid_customer()).encode()
    headers = {**hmac_headers(*acme_key, "POST", CUSTOMERS, data), header: value}
    response = client.post(CUSTOMERS, data=data, content_type="application/json", headers=headers)
    assert_unauthorized(response)


def test_hmac_with_raw_bytes_in_the_query_string_is_not_a_500(client, acme_key):
    data = json.dumps(valid_customer()).encode()
    response = client.post(
        CUSTOMERS,
        data=data,
        content_type="application/json",
        environ_overrides={"QUERY_STRING": "tenant=\xff"},
        headers=hmac_headers(*acme_key, "POST", CUSTOMERS, data),
    )
    assert_unauthorized(response)


def test_hmac_over_a_body_too_large_is_413(client, acme_key):
    data = b" " * (64 * 1024 + 1)
    response = client.post(
        CUSTOMERS,
        data=data,
        content_type="application/json",
        headers=hmac_headers(*acme_key, "POST", CUSTOMERS, data),
    )
    assert response.status_code == 413
    assert faults(response) == [(91006, None)]


def test_hmac_key_stops_working_when_secret_key_changes(make_app, acme_key):
    changed = make_app(TENANTS, SECRET_KEY="another-secret-key").test_client()
    assert_unauthorized(signed_post(changed, acme_key))


# --- GET /api/v1/customers/<id> ---------------------------------------------------------------


def test_get_with_credentials_of_the_same_tenant_is_200(client, acme_key):
    created = client.post(CUSTOMERS, json=valid_customer(), headers=bearer(acme_key))
    location = created.headers["Location"]
    assert location.endswith(f"{CUSTOMERS}/{created.get_json()['customerId']}")
    fetched = client.get(location, headers=bearer(acme_key))
    assert fetched.status_code == 200
    assert fetched.get_json() == created.get_json()


def test_get_with_hmac_is_200(client, acme_key):
    customer_id = client.post(
        CUSTOMERS, json=valid_customer(), headers=bearer(acme_key)
    ).get_json()["customerId"]
    path = f"{CUSTOMERS}/{customer_id}"
    response = client.get(path, headers=hmac_headers(*acme_key, "GET", path))
    assert response.status_code == 200
    assert response.get_json()["customerId"] == customer_id


def test_get_finds_a_publicly_registered_customer_with_the_tenants_key(app, client):
    customer_id = client.post(CUSTOMERS, json=valid_customer()).get_json()["customerId"]
    response = client.get(f"{CUSTOMERS}/{customer_id}", headers=bearer(make_api_key(app)))
    assert response.status_code == 200


def test_get_of_another_tenants_customer_is_404(app, client, acme_key):
    customer_id = client.post(CUSTOMERS, json=valid_customer()).get_json()["customerId"]
    response = client.get(f"{CUSTOMERS}/{customer_id}", headers=bearer(acme_key))
    assert response.status_code == 404
    assert response.get_json()["faultCode"] == 91012


@pytest.mark.parametrize(
    "customer_id", ["00000000-0000-0000-0000-000000000000", "1", "x" * 300, "%00", "%ff", "{}"]
)
def test_get_of_an_unknown_id_is_404(client, acme_key, customer_id):
    response = client.get(f"{CUSTOMERS}/{customer_id}", headers=bearer(acme_key))
    assert response.status_code == 404
    assert faults(response) == [(91012, None)]


def test_get_accepts_the_id_in_capitals(client, acme_key):
    customer_id = client.post(
        CUSTOMERS, json=valid_customer(), headers=bearer(acme_key)
    ).get_json()["customerId"]
    response = client.get(f"{CUSTOMERS}/{customer_id.upper()}", headers=bearer(acme_key))
    assert response.get_json()["customerId"] == customer_id


def test_get_without_credentials_is_401(client):
    customer_id = client.post(CUSTOMERS, json=valid_customer()).get_json()["customerId"]
    assert_unauthorized(client.get(f"{CUSTOMERS}/{customer_id}"))
    assert_unauthorized(client.get(f"{CUSTOMERS}/{customer_id}?tenant=default"))


def test_get_with_bad_credentials_is_401(client):
    customer_id = client.post(CUSTOMERS, json=valid_customer()).get_json()["customerId"]
    assert_unauthorized(
        client.get(f"{CUSTOMERS}/{customer_id}", headers={"Authorization": "Bearer key_nope.nope"})
    )


@pytest.mark.parametrize("spelling", ["{%s}", "urn:uuid:%s", "no-hyphens", " %s", "%s\n"], ids=str)
def test_an_id_only_uuid_could_read_is_no_id(client, acme_key, spelling):
    customer_id = client.post(
        CUSTOMERS, json=valid_customer(), headers=bearer(acme_key)
    ).get_json()["customerId"]
    written = customer_id.replace("-", "") if spelling == "no-hyphens" else spelling % customer_id
    response = client.get(f"{CUSTOMERS}/{quote(written)}", headers=bearer(acme_key))
    assert response.status_code == 404 and faults(response) == [(91012, None)]

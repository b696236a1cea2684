"""A partner's own front end calling the JSON API from its page (contract section 1): the browser's
cross-origin checks (CORS) let the tenant's `embed_origins` register and fetch a challenge without
credentials, and nothing else."""

import pytest
from conftest import bearer, fault_codes, valid_customer

PARTNER = "https://partner.example"
TENANTS = f"""
[tenants.default]
embed_origins = ["{PARTNER}"]

[tenants.acme]
embed_origins = ["https://acme-partner.example"]

[tenants.closed]
embed_origins = ["{PARTNER}"]
public_registration = false
"""
CUSTOMERS = "/api/v1/customers"


@pytest.fixture
def app(make_app):
    return make_app(TENANTS)


def preflight(client, path=CUSTOMERS, origin=PARTNER, method="POST", headers="content-type"):
    return client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        },
    )


def test_a_listed_origin_may_send_a_registration_and_read_its_answer(client):
    asked = preflight(client, headers="content-type,idempotency-key,x-altcha")
    assert asked.status_code == 200
    assert asked.headers["Access-Control-Allow-Origin"] == PARTNER
    assert asked.headers["Access-Control-Allow-Methods"] == "POST"
    allowed = {h.strip().lower() for h in asked.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"content-type", "idempotency-key", "x-altcha"} <= allowed
    assert int(asked.headers["Access-Control-Max-Age"]) > 0
    assert "Origin" in asked.headers["Vary"]

    created = client.post(CUSTOMERS, json=valid_customer(), headers={"Origin": PARTNER})
    assert created.status_code == 201
    assert created.headers["Access-Control-Allow-Origin"] == PARTNER
    assert "Location" in created.headers["Access-Control-Expose-Headers"]
    assert "Origin" in created.headers["Vary"]


def test_a_fault_is_readable_by_the_listed_origin_too(client):
    refused = client.post(CUSTOMERS, json={}, headers={"Origin": PARTNER})
    assert refused.status_code == 400 and 90075 in fault_codes(refused)
    assert refused.headers["Access-Control-Allow-Origin"] == PARTNER


def test_a_limited_answer_shows_the_front_end_when_to_come_back(make_app):
    client = make_app(TENANTS, RATELIMIT_PUBLIC_API="1 per hour").test_client()
    client.post(CUSTOMERS, json={}, headers={"Origin": PARTNER})
    limited = client.post(CUSTOMERS, json={}, headers={"Origin": PARTNER})
    assert limited.status_code == 429
    assert limited.headers["Access-Control-Allow-Origin"] == PARTNER
    assert "Retry-After" in limited.headers["Access-Control-Expose-Headers"]


def test_preflights_do_not_spend_the_public_budget(make_app):
    client = make_app(TENANTS, RATELIMIT_PUBLIC_API="1 per hour").test_client()
    for _ in range(3):
        assert preflight(client).status_code == 200
    assert client.post(CUSTOMERS, json=valid_customer()).status_code == 201


@pytest.mark.parametrize(
    "origin",
    [
        "https://stranger.example",
        "https://partner.example.evil.example",
        "http://partner.example",  # another scheme is another origin
        "https://partner.example:8443",
        "null",  # a sandboxed frame or a file
    ],
)
def test_any_other_origin_is_not_allowed(client, origin):
    assert "Access-Control-Allow-Origin" not in preflight(client, origin=origin).headers
    answer = client.post(CUSTOMERS, json=valid_customer(), headers={"Origin": origin})
    assert "Access-Control-Allow-Origin" not in answer.headers
    assert "Origin" in answer.headers["Vary"]


def test_origins_are_the_named_tenants_own(client):
    # The default tenant's partner is not acme's, and acme's is not the default tenant's.
    allowed = "Access-Control-Allow-Origin"
    assert allowed not in preflight(client, f"{CUSTOMERS}?tenant=acme").headers
    acme = preflight(client, f"{CUSTOMERS}?tenant=acme", origin="https://acme-partner.example")
    assert acme.headers["Access-Control-Allow-Origin"] == "https://acme-partner.example"
    assert "Access-Control-Allow-Origin" not in (
        preflight(client, origin="https://acme-partner.example").headers
    )
    assert "Access-Control-Allow-Origin" not in (
        preflight(client, f"{CUSTOMERS}?tenant=nobody").headers
    )


def test_a_tenant_without_public_registration_is_closed_to_front_ends(client):
    assert "Access-Control-Allow-Origin" not in (
        preflight(client, f"{CUSTOMERS}?tenant=closed").headers
    )


def test_the_challenge_may_be_fetched_by_a_listed_origin(client):
    asked = preflight(client, "/api/v1/challenge", method="GET", headers="")
    assert asked.headers["Access-Control-Allow-Methods"] == "GET"
    fetched = client.get("/api/v1/challenge", headers={"Origin": PARTNER})
    assert fetched.status_code == 200
    assert fetched.headers["Access-Control-Allow-Origin"] == PARTNER


def test_credentialed_operations_stay_closed_to_browsers(app, client):
    # An API key's secret does not belong in a web page: no preflight lets it be sent, and the
    # reads and erasures that need one answer no origin.
    asked = preflight(client, headers="content-type,authorization")
    assert "authorization" not in asked.headers["Access-Control-Allow-Headers"].lower()
    created = client.post(CUSTOMERS, json=valid_customer(), headers=bearer(app))
    location = created.headers["Location"]
    for method in ("GET", "DELETE"):
        answer = preflight(client, location, method=method, headers="authorization")
        assert "Access-Control-Allow-Origin" not in answer.headers
        read = client.open(location, method=method, headers={**bearer(app), "Origin": PARTNER})
        assert read.status_code in (200, 204)
        assert "Access-Control-Allow-Origin" not in read.headers


def test_the_dialects_and_pages_answer_no_origin(client):
    for path in ("/v1/Customers", "/api/v3/1001/customers", "/register"):
        answer = client.options(
            path, headers={"Origin": PARTNER, "Access-Control-Request-Method": "POST"}
        )
        assert "Access-Control-Allow-Origin" not in answer.headers, path

"""Proof of work (contract section 13): the review step and the public JSON API of a tenant with
`proof_of_work = true` need a solved ALTCHA challenge, good once on any worker; credentialed
callers are exempt."""

import base64
import json
import time

import pytest
from altcha import Challenge, Payload, solve_challenge
from conftest import make_api_key, valid_customer
from wizard_client import Wizard

from webapp.extensions import db
from webapp.models import Customer
from webapp.trust import proof_of_work

TENANTS = """
[tenants.guarded]
proof_of_work = true

[tenants.open]
"""
CUSTOMERS = "/api/v1/customers"
FRIENDLY = (
    "We could not check that this browser is not a robot – wait a moment for the check "
    "to finish, then select Create account again"
)


@pytest.fixture(autouse=True)
def easy(monkeypatch):
    """A few tries per challenge, so that the tests solve them quickly in Python."""
    monkeypatch.setattr(proof_of_work, "COUNTER_FROM", 1)
    monkeypatch.setattr(proof_of_work, "COUNTER_SPAN", 3)


@pytest.fixture
def app(make_app):
    return make_app(TENANTS)


def solved(challenge: dict) -> str:
    """The X-Altcha value a client sends for `challenge`: solved as the widget solves it."""
    parsed = Challenge.from_dict(challenge)
    return Payload(parsed, solve_challenge(parsed)).to_base64()


def fetch(client, tenant="guarded"):
    response = client.get(f"/api/v1/challenge?tenant={tenant}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_json()


def post(client, tenant="guarded", altcha=None, **headers):
    if altcha is not None:
        headers["X-Altcha"] = altcha
    return client.post(f"{CUSTOMERS}?tenant={tenant}", json=valid_customer(), headers=headers)


def codes(response):
    return [item["faultCode"] for item in response.get_json()["faults"]]


def test_a_solved_challenge_registers_once(client):
    altcha = solved(fetch(client))
    assert post(client, altcha=altcha).status_code == 201
    again = post(client, altcha=altcha)
    assert again.status_code == 400 and codes(again) == [91017]
    assert again.get_json()["fault"] == "ChallengeFailedFault"


def test_an_exact_retry_with_its_idempotency_key_gets_the_first_answer_again(app, client):
    """Contract section 4 beside section 13: the same key and body answer the first response
    again, though its solution is spent; a new body with the key is still 422, and a new key
    still needs a solution."""
    body = valid_customer()
    first = client.post(
        f"{CUSTOMERS}?tenant=guarded",
        json=body,
        headers={"X-Altcha": solved(fetch(client)), "Idempotency-Key": "k-1"},
    )
    assert first.status_code == 201
    for headers in ({"X-Altcha": solved(fetch(client))}, {}):
        again = client.post(
            f"{CUSTOMERS}?tenant=guarded", json=body, headers={**headers, "Idempotency-Key": "k-1"}
        )
        assert (again.status_code, again.get_json()) == (201, first.get_json())
    other = client.post(
        f"{CUSTOMERS}?tenant=guarded",
        json=valid_customer(),
        headers={"X-Altcha": solved(fetch(client)), "Idempotency-Key": "k-1"},
    )
    assert other.status_code == 422 and codes(other) == [91007]
    fresh = client.post(
        f"{CUSTOMERS}?tenant=guarded", json=body, headers={"Idempotency-Key": "k-2"}
    )
    assert fresh.status_code == 400 and codes(fresh) == [91017]
    with app.app_context():
        assert db.session.query(Customer).filter_by(tenant="guarded").count() == 1


@pytest.mark.parametrize(
    "altcha",
    [None, "", "not base64 at all", "e30=", "bnVsbA==", "W10=", "eyJjaGFsbGVuZ2UiOiAxfQ=="],
)
def test_no_or_a_broken_solution_is_refused(client, altcha):
    response = post(client, altcha=altcha)
    assert response.status_code == 400 and codes(response) == [91017]


def test_a_tampered_or_unsolved_challenge_is_refused(client):
    challenge = fetch(client)
    payload = json.loads(base64.b64decode(solved(challenge)))
    payload["solution"]["derivedKey"] = "00" * 32  # a key it did not derive
    forged = base64.b64encode(json.dumps(payload).encode()).decode()
    assert codes(post(client, altcha=forged)) == [91017]
    challenge["parameters"]["expiresAt"] += 3600  # no longer what was signed
    assert codes(post(client, altcha=solved(challenge))) == [91017]


def test_another_tenants_challenge_is_refused(make_app):
    app = make_app(TENANTS.replace("[tenants.open]", "[tenants.open]\nproof_of_work = true"))
    client = app.test_client()
    assert codes(post(client, altcha=solved(fetch(client, "open")))) == [91017]


def test_an_expired_challenge_is_refused(client, monkeypatch):
    altcha = solved(fetch(client))
    later = time.time() + proof_of_work.LIFETIME.total_seconds() + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert codes(post(client, altcha=altcha)) == [91017]


def test_a_spent_challenge_is_refused_by_every_worker(make_app):
    first, second = make_app(TENANTS), make_app(TENANTS)  # two processes, one database
    altcha = solved(fetch(first.test_client()))
    assert post(first.test_client(), altcha=altcha).status_code == 201
    assert codes(post(second.test_client(), altcha=altcha)) == [91017]


def test_credentialed_callers_and_other_tenants_need_no_challenge(app, client):
    key_id, secret = make_api_key(app, "guarded")
    assert post(client, Authorization=f"Bearer {key_id}.{secret}").status_code == 201
    assert post(client, tenant="open").status_code == 201


def test_the_challenge_path_is_in_the_openapi_document(client):
    document = client.get("/api/openapi.json").get_json()
    assert "get" in document["paths"]["/api/v1/challenge"]
    unknown = client.get("/api/v1/challenge?tenant=nobody")
    assert unknown.status_code == 404 and codes(unknown) == [91009]


# --- the wizard -----------------------------------------------------------------------------


def test_the_review_step_carries_the_challenge_and_says_javascript_is_needed(client):
    page = Wizard(client, "/t/guarded/register").to_review()
    holder = page.soup.select_one("[data-altcha-challenge]")
    challenge = json.loads(holder["data-altcha-challenge"])
    assert challenge["parameters"]["data"] == {"tenant": "guarded"} and challenge["signature"]
    assert page.form.find("script", type="module")
    assert "JavaScript is needed for this last step" in page.form.noscript.get_text()


@pytest.mark.parametrize("start", ["/t/guarded/register", "/t/guarded/embed"])
def test_create_account_without_a_solution_is_refused_with_a_friendly_message(client, start):
    wizard = Wizard(client, start)
    wizard.to_review()
    page = wizard.submit({"altcha": ""})  # the widget's field, still empty
    assert page.status == 400
    assert page.soup.h1.get_text(strip=True) == "Check your answers"
    assert page.summary() == [FRIENDLY]
    assert not page.soup.select("[data-customer-id]")


def test_create_account_without_javascript_is_told_javascript_is_needed(client):
    wizard = Wizard(client, "/t/guarded/register")
    wizard.to_review()
    page = wizard.submit()  # no widget ran: no field
    assert page.status == 400
    (said,) = page.summary()
    assert said.startswith("JavaScript is needed for this last step")
    assert not page.soup.find("noscript")  # said once, by the error


def test_create_account_with_the_solved_challenge_completes(client):
    wizard = Wizard(client, "/t/guarded/register")
    page = wizard.to_review()
    challenge = json.loads(page.soup.select_one("[data-altcha-challenge]")["data-altcha-challenge"])
    done = wizard.submit({"altcha": solved(challenge)})
    assert done.soup.select("[data-customer-id]")


def test_a_tenant_without_proof_of_work_shows_no_widget(client):
    page = Wizard(client, "/t/open/register").to_review()
    assert not page.soup.select("[data-altcha-challenge]") and not page.form.noscript

"""The JSON doors' proof of ownership (contract section 12): customers of a verifying tenant are
stored unverified and mailed a link, `GET /verify/<token>` (signed, 7 days, once) verifies them;
every representation says whether and when."""

import io
import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from conftest import CUSTOMERS, make_api_key, valid_customer
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner
from queued_mail import link_in, mails, text

from webapp.extensions import db
from webapp.models import OutboxMessage
from webapp.ops.exports import write_jsonl
from webapp.tenants import registry
from webapp.trust import email_links, mail_budget

TENANTS = """
[tenants.default]
name = "Acme Bets"
verify_email = "code"
"""


@pytest.fixture
def app(make_app, webhook_receiver):
    receiver = webhook_receiver()
    return make_app(TENANTS + receiver.tenant_keys)


@pytest.fixture
def credentials(app):
    key_id, secret = make_api_key(app)
    return {"Authorization": f"Bearer {key_id}.{secret}"}


def register(app, credentials, **fields):
    response = app.test_client().post(CUSTOMERS, json=valid_customer(**fields), headers=credentials)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def link_path(app, email):
    (message,) = [m for m in mails(app, to=email) if "/verify/" in text(m)]
    return urlsplit(link_in(message, "/verify/")).path


def webhooks(app, kind):
    with app.app_context():
        return [
            m.payload
            for m in db.session.query(OutboxMessage).filter_by(kind="webhook")
            if m.payload["type"] == kind
        ]


def test_a_customer_is_stored_unverified_and_the_mailed_link_verifies_once(app, credentials):
    customer = register(app, credentials)
    assert customer["emailVerified"] is False and customer["emailVerifiedAt"] is None
    path = link_path(app, customer["email"])
    client = app.test_client()

    assert client.head(path).status_code == 200  # a mail scanner's look changes nothing
    assert webhooks(app, "customer.email_verified") == []
    page = client.get(path)
    assert page.status_code == 200
    assert "Email address confirmed" in page.get_data(as_text=True)
    assert '<span class="masthead-name">Acme Bets</span>' in page.get_data(as_text=True)
    stored = client.get(f"{CUSTOMERS}/{customer['customerId']}", headers=credentials).get_json()
    assert stored["emailVerified"] is True and stored["emailVerifiedAt"].endswith("Z")
    (event,) = webhooks(app, "customer.email_verified")
    assert event["data"]["customerId"] == customer["customerId"]
    assert event["data"]["emailVerified"] is True

    # Followed again (a double click, or a mail scanner's GET before the person's): the page
    # still says the address is confirmed, and nothing is announced twice.
    again = client.get(path)
    assert again.status_code == 200
    assert "Email address confirmed" in again.get_data(as_text=True)
    assert len(webhooks(app, "customer.email_verified")) == 1


def test_a_link_older_than_7_days_or_forged_is_refused(app, credentials, monkeypatch):
    customer = register(app, credentials)
    path = link_path(app, customer["email"])
    real = TimestampSigner.get_timestamp
    later = email_links.LIFETIME + timedelta(seconds=5)
    monkeypatch.setattr(
        TimestampSigner, "get_timestamp", lambda self: real(self) + int(later.total_seconds())
    )
    client = app.test_client()
    assert client.get(path).status_code == 400
    monkeypatch.setattr(TimestampSigner, "get_timestamp", real)
    assert client.get(path[:-3] + "abc").status_code == 400
    assert client.get("/verify/%00%ff").status_code == 400
    stored = client.get(f"{CUSTOMERS}/{customer['customerId']}", headers=credentials).get_json()
    assert stored["emailVerified"] is False
    assert client.get(path).status_code == 200  # still good within its 7 days


def test_the_link_does_not_carry_the_address(app, credentials):
    # A URL is kept by mail scanners, proxies and logs: the signed payload is readable by anyone.
    customer = register(app, credentials, email="Ada.Lovelace@Example.com")
    token = link_path(app, customer["email"]).rsplit("/", 1)[1]
    _, payload = URLSafeTimedSerializer("any key").loads_unsafe(token)
    assert payload["c"] == customer["customerId"]
    readable = json.dumps(payload).lower()
    assert "lovelace" not in readable and "example" not in readable
    assert app.test_client().get(link_path(app, customer["email"])).status_code == 200


def test_every_representation_carries_the_verification(app, credentials):
    customer = register(app, credentials)
    (created,) = webhooks(app, "customer.created")
    assert created["data"]["emailVerified"] is False and "emailVerifiedAt" in created["data"]
    with app.app_context():
        out = io.StringIO()
        write_jsonl(registry().get("default"), out)
    (exported,) = [json.loads(line) for line in out.getvalue().splitlines()]
    assert exported["emailVerified"] is False and exported["emailVerifiedAt"] is None
    assert customer["customerId"] == exported["customerId"]


def test_the_dialects_store_unverified_customers_and_mail_the_link(app, credentials):
    body = {
        "Customer": {
            "FirstName": "Ada",
            "LastName": "Lovelace",
            "EMail": "ada.dialect@example.com",
        },
        "Password": "violet-Harbour-tangent-93",
        "SecurityQuestion": "Pet?",
        "SecurityAnswer": "Rex",
    }
    response = app.test_client().put("/v1/Customers", json=body, headers=credentials)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert link_path(app, "ada.dialect@example.com").startswith("/verify/")


def test_a_tenant_that_does_not_verify_mails_no_link(make_app):
    app = make_app()
    response = app.test_client().post(CUSTOMERS, json=valid_customer())
    assert response.get_json()["emailVerified"] is False
    assert mails(app) and all("/verify/" not in text(m) for m in mails(app))


def test_a_link_the_mail_budget_holds_back_is_logged_without_the_address(make_app, caplog):
    app = make_app(TENANTS, RATELIMIT_VERIFICATION_EMAIL="1 per hour")
    key_id, secret = make_api_key(app)
    body = valid_customer()
    with app.test_request_context():
        assert mail_budget.take(body["email"])  # someone else spent the address's budget
    with caplog.at_level("WARNING", logger="webapp.trust.stored"):
        response = app.test_client().post(
            CUSTOMERS, json=body, headers={"Authorization": f"Bearer {key_id}.{secret}"}
        )
    assert response.status_code == 201
    assert response.get_json()["emailVerified"] is False
    assert not [m for m in mails(app, to=body["email"]) if "/verify/" in text(m)]
    (record,) = [r for r in caplog.records if r.name == "webapp.trust.stored"]
    assert "not mailed: the address's mail budget is spent" in record.getMessage()
    assert response.get_json()["customerId"] in record.getMessage()
    assert body["email"] not in record.getMessage()

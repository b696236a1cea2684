"""The console's customer page and email verification (contract sections 12 and 14): resend the
verification email of an unverified customer, and each consent's status as stored."""

from bs4 import BeautifulSoup
from conftest import bearer, valid_customer
from console_client import operator_client

from webapp.console.models import AuditEntry
from webapp.extensions import db
from webapp.models import OutboxMessage

VERIFYING = """
[tenants.default]
verify_email = "code"
"""


def verification_mails(app):
    with app.app_context():
        return [
            m
            for m in db.session.query(OutboxMessage).filter_by(kind="email").all()
            if m.payload.get("template") == "verification_link"
        ]


def test_an_operator_resends_the_verification_email_of_an_unverified_customer(make_app):
    app = make_app(VERIFYING)
    created = (
        app.test_client()
        .post("/api/v1/customers", json=valid_customer(), headers=bearer(app))
        .get_json()
    )
    assert created["emailVerified"] is False and len(verification_mails(app)) == 1
    client = operator_client(app)
    path = f"/console/t/default/customers/{created['customerId']}"
    page = client.get(path).get_data(as_text=True)
    assert "Resend the verification email" in page
    resent = client.post(path + "/resend-verification", follow_redirects=True)
    assert "A new verification email is queued" in resent.get_data(as_text=True)
    assert len(verification_mails(app)) == 2
    with app.app_context():
        entry = db.session.query(AuditEntry).filter_by(action="resent verification").one()
        assert entry.customer_id == created["customerId"]


def test_a_resend_past_the_addresss_mail_budget_says_none_was_sent(make_app):
    app = make_app(VERIFYING, RATELIMIT_VERIFICATION_EMAIL="1 per hour")
    created = (
        app.test_client()
        .post("/api/v1/customers", json=valid_customer(), headers=bearer(app))
        .get_json()
    )
    path = f"/console/t/default/customers/{created['customerId']}"
    resent = operator_client(app).post(path + "/resend-verification", follow_redirects=True)
    assert "No verification email was sent" in resent.get_data(as_text=True)
    assert len(verification_mails(app)) == 1
    with app.app_context():  # the log says what happened
        (entry,) = db.session.query(AuditEntry).filter(AuditEntry.action.contains("verification"))
        assert entry.action == "verification not resent" and "mail budget" in entry.detail


def test_the_customer_page_shows_each_consents_status(make_app):
    app = make_app()
    created = (
        app.test_client()
        .post("/api/v1/customers", json=valid_customer(), headers=bearer(app))
        .get_json()
    )
    page = (
        operator_client(app)
        .get(f"/console/t/default/customers/{created['customerId']}")
        .get_data(as_text=True)
    )
    html = BeautifulSoup(page, "html.parser")
    records = [
        [td.get_text() for td in row.select("td")]
        for row in html.select("#customer-consents tbody tr")
    ]
    assert [(r[0], r[4], r[6]) for r in records] == [
        (r["consentId"], "confirmed", "–") for r in created["consents"]["records"]
    ]
    assert "Resend the verification email" not in page  # the tenant does not verify


def test_the_customer_page_shows_the_evidence_of_each_change(make_app):
    app = make_app()
    created = (
        app.test_client()
        .post("/api/v1/customers", json=valid_customer(), headers={"User-Agent": "Probe/1.0"})
        .get_json()
    )
    page = operator_client(app).get(f"/console/t/default/customers/{created['customerId']}")
    html = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    changes = [
        [td.get_text() for td in row.select("td")]
        for row in html.select("#consent-evidence tbody tr")
    ]
    assert [change[0] for change in changes] == [
        r["consentId"] for r in created["consents"]["records"]
    ]
    for _, became, _, door, version, address, browser in changes:
        assert (became, door) == ("confirmed", "JSON API") and version
        assert len(address) == len(browser) == 16  # keyed hashes, shortened
    assert "Probe/1.0" not in page.get_data(as_text=True)

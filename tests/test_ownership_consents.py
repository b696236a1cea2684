"""Double opt-in and consent status (contract section 12): a ticked double opt-in consent is
pending until its mailed link is followed, expires unconfirmed after 30 days, and every consent
can be withdrawn by the link in the mail that carries it; each change keeps its evidence."""

import threading
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import CUSTOMERS, make_api_key, valid_customer
from queued_mail import link_in, mails, text
from wizard_client import ADDRESS, PROFILE, Wizard, account

from webapp.extensions import db
from webapp.models import ConsentEvent, OutboxMessage, utcnow
from webapp.trust import opt_in

TENANTS = """
[tenants.default]
name = "Acme Bets"
{webhook}

[[tenants.default.consents]]
id = "terms"
label = "I accept the terms and conditions"
version = "2026-01"
mandatory = true

[[tenants.default.consents]]
id = "marketing"
label = "Send me offers"
version = "m-3"
double_opt_in = true
url = "https://acme.example/marketing-terms"
"""
AGENT = "Mozilla/5.0 (evidence test)"


@pytest.fixture
def app(make_app, webhook_receiver):
    return make_app(TENANTS.format(webhook=webhook_receiver().tenant_keys))


@pytest.fixture
def credentials(app):
    key_id, secret = make_api_key(app)
    return {"Authorization": f"Bearer {key_id}.{secret}"}


def register(app, consents=("terms", "marketing")):
    body = valid_customer(consents={"consentIds": list(consents), "contactMethods": ["email"]})
    response = app.test_client().post(CUSTOMERS, json=body, headers={"User-Agent": AGENT})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def records(customer):
    return {r["consentId"]: r for r in customer["consents"]["records"]}


def fetch(app, credentials, customer):
    return (
        app.test_client()
        .get(f"{CUSTOMERS}/{customer['customerId']}", headers=credentials)
        .get_json()
    )


def confirmation(app, customer):
    (message,) = [
        m
        for m in mails(app, to=customer["email"])
        if m["Subject"] == "Confirm your choice for Acme Bets"
    ]
    return message


def path(message, part):
    return urlsplit(link_in(message, part)).path


def webhook_types(app):
    with app.app_context():
        return [
            m.payload["type"]
            for m in db.session.query(OutboxMessage)
            .filter_by(kind="webhook")
            .order_by(OutboxMessage.created_at)
        ]


def test_a_plain_tick_is_confirmed_when_granted(app):
    customer = register(app, consents=("terms",))
    terms = records(customer)["terms"]
    assert terms["status"] == "confirmed" and terms["confirmedAt"] == terms["grantedAt"]
    assert terms["withdrawnAt"] is None
    assert not [m for m in mails(app) if "Confirm your choice" in m["Subject"]]


def test_a_double_opt_in_is_pending_until_its_link_is_followed(app, credentials):
    customer = register(app)
    marketing = records(customer)["marketing"]
    assert (marketing["status"], marketing["confirmedAt"]) == ("pending", None)
    assert "marketing" in customer["consents"]["consentIds"]  # given, awaiting its confirmation
    message = confirmation(app, customer)
    body = text(message)
    assert "Send me offers" in body and "/consent/withdraw/" in body
    assert "offer" not in body.replace("Send me offers", "")  # nothing but the confirmation

    page = app.test_client().get(path(message, "/consent/confirm/"))
    assert page.status_code == 200 and "Choice confirmed" in page.get_data(as_text=True)
    assert '<span class="masthead-name">Acme Bets</span>' in page.get_data(as_text=True)
    marketing = records(fetch(app, credentials, customer))["marketing"]
    assert marketing["status"] == "confirmed" and marketing["confirmedAt"].endswith("Z")
    assert "consent.confirmed" in webhook_types(app)


def test_the_withdraw_link_withdraws_in_one_click(app, credentials):
    customer = register(app)
    message = confirmation(app, customer)
    assert message["List-Unsubscribe"] == f"<{link_in(message, '/consent/withdraw/')}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # As sent: the link in clear on one line, not an encoded word a mail program cannot follow.
    sent = message.as_bytes().decode("ascii")
    assert f"\nList-Unsubscribe: <{link_in(message, '/consent/withdraw/')}>\n" in sent
    page = app.test_client().get(path(message, "/consent/withdraw/"))
    assert page.status_code == 200 and "Consent withdrawn" in page.get_data(as_text=True)
    assert '<span class="masthead-name">Acme Bets</span>' in page.get_data(as_text=True)
    stored = fetch(app, credentials, customer)
    marketing = records(stored)["marketing"]
    assert marketing["status"] == "withdrawn" and marketing["withdrawnAt"].endswith("Z")
    # The consents in force: a withdrawn one is no longer given (its record keeps the evidence).
    assert "marketing" not in stored["consents"]["consentIds"]
    assert "terms" in stored["consents"]["consentIds"]
    assert webhook_types(app).count("consent.withdrawn") == 1
    # The mail program's one-click POST (RFC 8058) finds it withdrawn already: no second event.
    assert (
        app.test_client()
        .post(path(message, "/consent/withdraw/"), data={"List-Unsubscribe": "One-Click"})
        .status_code
        == 200
    )
    assert webhook_types(app).count("consent.withdrawn") == 1
    # A withdrawn consent cannot be confirmed afterwards.
    assert (
        app.test_client().get(path(confirmation(app, customer), "/consent/confirm/")).status_code
        == 400
    )


def test_the_confirmation_links_the_text_agreed_to(app):
    message = confirmation(app, register(app))
    assert "Send me offers (https://acme.example/marketing-terms)." in text(message)
    html = BeautifulSoup(message.get_body(("html",)).get_content(), "html.parser")
    (link,) = [a for a in html.find_all("a") if a.get_text(strip=True) == "Send me offers"]
    assert link["href"] == "https://acme.example/marketing-terms"


def test_unconfirmed_after_30_days_it_is_expired(app, credentials, monkeypatch):
    customer = register(app)
    later = utcnow() + opt_in.CONFIRM_WITHIN + timedelta(minutes=1)
    monkeypatch.setattr(opt_in, "utcnow", lambda: later)
    stored = fetch(app, credentials, customer)
    assert records(stored)["marketing"]["status"] == "expired"
    assert "marketing" not in stored["consents"]["consentIds"]
    assert (
        app.test_client().get(path(confirmation(app, customer), "/consent/confirm/")).status_code
        == 400
    )


def test_a_forged_consent_link_is_refused(app):
    client = app.test_client()
    for bad in ("/consent/confirm/nonsense", "/consent/withdraw/nonsense.abc"):
        response = client.get(bad)
        assert response.status_code == 400
        assert "This link cannot be used" in response.get_data(as_text=True)


def test_each_change_keeps_its_evidence_without_the_address_in_clear(app):
    customer = register(app)
    client = app.test_client()
    client.get(
        path(confirmation(app, customer), "/consent/confirm/"), headers={"User-Agent": AGENT}
    )
    client.get(
        path(confirmation(app, customer), "/consent/withdraw/"), headers={"User-Agent": AGENT}
    )
    with app.app_context():
        events = db.session.query(ConsentEvent).order_by(ConsentEvent.id).all()
        rows = [(e.record.consent_id, e.status, e.door, e.version) for e in events]
        hashes = {(e.client_hash, e.agent_hash) for e in events}
        stored = repr([vars(e) for e in events])
    assert rows == [
        ("terms", "confirmed", "api", "2026-01"),
        ("marketing", "pending", "api", "m-3"),
        ("marketing", "confirmed", "email", "m-3"),
        ("marketing", "withdrawn", "email", "m-3"),
    ]
    ((client_hash, agent_hash),) = hashes
    assert len(client_hash) == 64 and len(agent_hash) == 64
    assert "127.0.0.1" not in stored and AGENT not in stored


@pytest.mark.parametrize(
    "link, event, became",
    [
        ("/consent/confirm/", "consent.confirmed", "confirmed"),
        ("/consent/withdraw/", "consent.withdrawn", "withdrawn"),
    ],
)
def test_two_clicks_at_once_change_the_consent_once(app, monkeypatch, link, event, became):
    customer = register(app)
    target = path(confirmation(app, customer), link)
    real, rival = opt_in._record, []

    def read_then_rival(*args, **kwargs):
        # Between this click's read and its write, a second click (or a mail scanner's fetch)
        # follows the same link to the end.
        # (In a thread of its own: a request on this thread would share this one's session.)
        record = real(*args, **kwargs)
        if not rival:
            rival.append(None)
            click = threading.Thread(target=lambda: rival.__setitem__(0, client.get(target)))
            click.start()
            click.join()
        return record

    client = app.test_client()
    monkeypatch.setattr(opt_in, "_record", read_then_rival)
    first = client.get(target)
    assert first.status_code == rival[0].status_code == 200
    assert webhook_types(app).count(event) == 1
    with app.app_context():
        changes = db.session.query(ConsentEvent).filter_by(status=became, door="email").count()
    assert changes == 1


def test_an_erased_customers_consent_links_change_nothing(app, credentials):
    customer = register(app)
    message = confirmation(app, customer)
    client = app.test_client()
    erased = client.delete(f"{CUSTOMERS}/{customer['customerId']}", headers=credentials)
    assert erased.status_code == 204
    with app.app_context():
        evidence = db.session.query(ConsentEvent).count()
    for link in ("/consent/confirm/", "/consent/withdraw/"):
        assert client.get(path(message, link)).status_code == 400
    assert client.post(path(message, "/consent/withdraw/")).status_code == 400
    assert not {"consent.confirmed", "consent.withdrawn"} & set(webhook_types(app))
    with app.app_context():
        assert db.session.query(ConsentEvent).count() == evidence


def test_a_link_checkers_head_request_changes_nothing(app, credentials):
    customer = register(app)
    message = confirmation(app, customer)
    client = app.test_client()
    for link in ("/consent/confirm/", "/consent/withdraw/"):
        assert client.head(path(message, link)).status_code == 200
    assert records(fetch(app, credentials, customer))["marketing"]["status"] == "pending"
    assert not {"consent.confirmed", "consent.withdrawn"} & set(webhook_types(app))
    assert client.get(path(message, "/consent/confirm/")).status_code == 200  # the click acts
    assert records(fetch(app, credentials, customer))["marketing"]["status"] == "confirmed"


@pytest.mark.parametrize(
    "version, shown",
    [("m-3", "Send me news and offers"), ("1", "Schicken Sie mir Neuigkeiten und Angebote")],
)
def test_a_german_confirmation_mail_shows_the_text_the_person_was_shown(make_app, version, shown):
    # The tenant's own text (its version) as written; the service's own (version 1) translated.
    app = make_app(f"""
        [tenants.default]
        name = "Acme Bets"

        [[tenants.default.consents]]
        id = "marketing"
        label = "Send me news and offers"
        version = "{version}"
        double_opt_in = true
    """)
    wizard = Wizard(app.test_client(), "/register?lang=de")
    who = account()
    for fields in (
        who,
        PROFILE,
        ADDRESS,
        {"consentIds": ["marketing"], "contactMethods": ["email"]},
    ):
        wizard.submit(fields)
    assert wizard.page.status == 200 and shown in wizard.page.html  # the review
    wizard.submit()
    (message,) = [m for m in mails(app, to=who["email"]) if "/consent/confirm/" in text(m)]
    assert shown in text(message)

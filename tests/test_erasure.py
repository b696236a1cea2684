"""Erasure (contract section 14): the JSON API's DELETE, the console and the command all erase the
same way: personal fields gone, the record's id, number, tenant, time and consent evidence kept,
username and email free again, unsent mail dropped, webhook customer.erased, GET 410 91019."""

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import bearer, deliver_outbox, fault_codes, valid_customer
from console_client import operator_client
from queued_mail import code_in, mails
from wizard_client import ADDRESS, CONSENTS, PROFILE, Wizard, account

from webapp.console.models import AuditEntry
from webapp.extensions import db
from webapp.faults import FaultError
from webapp.models import (
    ConsentEvent,
    Customer,
    Draft,
    IdempotencyRecord,
    OutboxMessage,
    VerificationCode,
    utcnow,
)
from webapp.outbox.worker import Worker
from webapp.registration.erasure import erase
from webapp.tenants import registry

PERSONAL = (
    "username",
    "email",
    "title",
    "forename",
    "surname",
    "dateOfBirth",
    "phone",
    "mobile",
    "displayName",
    "gender",
    "nationality",
    "externalId",
)


@pytest.fixture
def hooked(make_app, webhook_receiver):
    receiver = webhook_receiver()
    app = make_app(f"[tenants.default]\n{receiver.tenant_keys}\n[tenants.acme]\n")
    return app, receiver


def full_customer():
    return valid_customer(
        externalId="ext-1",
        phone="+442079460000",
        mobile="+447911123456",
        displayName="Ada L",
        gender="female",
        nationality="GB",
        addresses=[
            {
                "addressLine1": "1 High Street",
                "city": "London",
                "postcode": "SW1A 1AA",
                "countryCode": "GB",
            }
        ],
    )


def stored(app, customer_id):
    with app.app_context():
        customer = db.session.query(Customer).filter_by(id=customer_id).one()
        db.session.expunge(customer)
        return customer


def test_delete_erases_every_personal_field_and_keeps_the_record(hooked):
    app, _ = hooked
    client = app.test_client()
    headers = bearer(app)
    created = client.post("/api/v1/customers", json=full_customer(), headers=headers).get_json()
    response = client.delete(f"/api/v1/customers/{created['customerId']}", headers=headers)
    assert response.status_code == 204
    customer = stored(app, created["customerId"])
    assert customer.tenant_number == created["customerNumber"] and customer.tenant == "default"
    assert customer.created_at.isoformat(timespec="seconds") + "Z" == created["createdAt"]
    for column in (
        "external_id",
        "title",
        "forename",
        "surname",
        "date_of_birth",
        "phone",
        "mobile",
        "address",
        "display_name",
        "gender",
        "nationality",
        "password_hash",
        "email_unique_key",
    ):
        assert getattr(customer, column) is None, column
    assert customer.username == "" and customer.email == "" and customer.erased_at is not None
    assert customer.custom_attributes == [] and customer.contact_methods == []
    evidence = [
        {
            "consentId": c.consent_id,
            "version": c.version,
            "door": c.door,
            "grantedAt": c.granted_at.isoformat(timespec="seconds") + "Z",
        }
        for c in customer.consents
    ]
    assert evidence == [
        {name: record[name] for name in ("consentId", "version", "door", "grantedAt")}
        for record in created["consents"]["records"]
    ]


def test_the_consent_evidence_stays_without_the_keyed_hashes_of_address_and_browser(hooked):
    app, _ = hooked
    client = app.test_client()
    headers = {**bearer(app), "User-Agent": "Evidence/1.0"}
    created = client.post("/api/v1/customers", json=valid_customer(), headers=headers).get_json()

    def events():
        with app.app_context():
            return [
                (e.status, e.door, e.version, e.client_hash, e.agent_hash)
                for e in db.session.query(ConsentEvent).all()
            ]

    before = events()
    assert before and all(client_hash and agent_hash for *_, client_hash, agent_hash in before)
    assert (
        client.delete(f"/api/v1/customers/{created['customerId']}", headers=headers).status_code
        == 204
    )
    assert events() == [(*kept, None, None) for *kept, _, _ in before]


def test_get_of_an_erased_customer_is_410(hooked):
    app, _ = hooked
    client = app.test_client()
    headers = bearer(app)
    created = client.post("/api/v1/customers", json=valid_customer(), headers=headers).get_json()
    client.delete(f"/api/v1/customers/{created['customerId']}", headers=headers)
    response = client.get(f"/api/v1/customers/{created['customerId']}", headers=headers)
    assert response.status_code == 410
    assert response.get_json()["fault"] == "CustomerErasedFault"
    assert fault_codes(response) == [91019]
    again = client.delete(f"/api/v1/customers/{created['customerId']}", headers=headers)
    assert again.status_code == 410


def test_username_and_email_are_free_again(hooked):
    app, _ = hooked
    client = app.test_client()
    headers = bearer(app)
    body = valid_customer(externalId="ext-9")
    created = client.post("/api/v1/customers", json=body, headers=headers).get_json()
    assert client.post("/api/v1/customers", json=body, headers=headers).status_code == 409
    client.delete(f"/api/v1/customers/{created['customerId']}", headers=headers)
    again = client.post("/api/v1/customers", json=body, headers=headers)
    assert again.status_code == 201, again.get_json()


def test_unsent_mail_is_dropped_and_the_webhook_says_erased(hooked):
    app, receiver = hooked
    client = app.test_client()
    headers = bearer(app)
    created = client.post("/api/v1/customers", json=valid_customer(), headers=headers).get_json()
    client.delete(f"/api/v1/customers/{created['customerId']}", headers=headers)
    with app.app_context():
        messages = db.session.query(OutboxMessage).all()
        assert [m.kind for m in messages if m.kind == "email"] == []
        assert all(m.payload["data"]["email"] == "" for m in messages)
    deliver_outbox(app)
    events = receiver.events()
    assert sorted(e["type"] for e in events) == ["customer.created", "customer.erased"]
    erased = next(e for e in events if e["type"] == "customer.erased")
    assert erased["data"]["customerId"] == created["customerId"]
    assert all(not erased["data"][field] for field in PERSONAL)


def test_mail_and_webhooks_a_worker_claimed_before_the_erasure_are_sent_as_it_left_them(hooked):
    # A batch waits for the messages before it (a slow partner): the erasure may come between
    # the claim and the send.
    app, receiver = hooked
    client = app.test_client()
    body = valid_customer()
    created = client.post("/api/v1/customers", json=body, headers=bearer(app)).get_json()
    worker = Worker(app)
    with app.app_context():
        batch = worker._claim("default", utcnow())
    assert sorted(m.kind for m in batch) == ["email", "webhook"]
    client.delete(f"/api/v1/customers/{created['customerId']}", headers=bearer(app))
    outcomes = dict(zip((m.kind for m in batch), worker._deliver_batch(batch), strict=True))
    worker.close()
    assert outcomes == {"email": "dropped", "webhook": "sent"}
    written = Path(app.instance_path, "outbox-mail").glob("*.eml")
    assert not [p for p in written if body["email"] in p.read_text()]
    deliver_outbox(app)  # customer.erased
    events = {e["type"]: e["data"] for e in receiver.events()}
    assert set(events) == {"customer.created", "customer.erased"}
    assert events["customer.created"]["email"] == ""  # never the address after its erasure


def test_idempotent_replays_and_drafts_keep_nothing_of_the_customer(hooked):
    app, _ = hooked
    client = app.test_client()
    headers = {**bearer(app), "Idempotency-Key": "erase-me"}
    body = valid_customer()
    created = client.post("/api/v1/customers", json=body, headers=headers).get_json()
    client.delete(f"/api/v1/customers/{created['customerId']}", headers=bearer(app))
    with app.app_context():
        (record,) = db.session.query(IdempotencyRecord).all()
        assert body["email"] not in json.dumps(record.response)
        assert body["username"] not in json.dumps(record.response)
        assert db.session.query(Draft).filter_by(customer_id=created["customerId"]).count() == 0

    # A partner's retry after the erasure registers nobody again: it learns the customer is gone.
    again = client.post("/api/v1/customers", json=body, headers=headers)
    assert again.status_code == 410 and again.get_json()["faultCode"] == 91019
    # ... an answer the OpenAPI document lists, so that a generated client returns it as a Fault.
    document = client.get("/api/openapi.json").get_json()
    assert "410" in document["paths"]["/api/v1/customers"]["post"]["responses"]
    assert "Location" not in again.headers
    with app.app_context():
        assert db.session.query(Customer).count() == 1


def test_the_wizards_verification_codes_go_with_its_drafts(make_app):
    app = make_app('[tenants.default]\nverify_email = "code"\n')
    wizard = Wizard(app.test_client())
    who = account()
    wizard.submit(who)
    wizard.submit({"code": code_in(mails(app, to=who["email"])[-1])})
    for fields in (PROFILE, ADDRESS, CONSENTS, {}):
        wizard.submit(fields)
    customer_id = wizard.page.soup.select_one("[data-customer-id]")["data-customer-id"]
    deliver_outbox(app)
    with app.app_context():
        assert db.session.query(VerificationCode).count() == 1

    erased = app.test_client().delete(f"/api/v1/customers/{customer_id}", headers=bearer(app))
    assert erased.status_code == 204
    with app.app_context():
        # Each held the address it was mailed to.
        assert db.session.query(VerificationCode).count() == 0
        assert db.session.query(Draft).count() == 0
        # The code's mail, sent before the erasure and about no customer, keeps no address.
        mailed = db.session.query(OutboxMessage).filter_by(kind="email").all()
        assert [m.payload["to"] for m in mailed] == [""] * len(mailed) and mailed


def test_delete_needs_credentials_of_the_customers_tenant(hooked):
    app, _ = hooked
    client = app.test_client()
    created = client.post("/api/v1/customers", json=valid_customer(), headers=bearer(app))
    customer_id = created.get_json()["customerId"]
    assert client.delete(f"/api/v1/customers/{customer_id}").status_code == 401
    assert (
        client.delete(f"/api/v1/customers/{customer_id}", headers=bearer(app, "acme")).status_code
        == 404
    )
    assert client.delete("/api/v1/customers/not-an-id", headers=bearer(app)).status_code == 404
    assert stored(app, customer_id).erased_at is None


def test_the_command_erases_and_writes_the_audit_log(hooked):
    app, _ = hooked
    created = (
        app.test_client()
        .post("/api/v1/customers", json=valid_customer(), headers=bearer(app))
        .get_json()
    )
    runner = app.test_cli_runner()
    result = runner.invoke(args=["erase-customer", "default", created["customerId"]])
    assert result.exit_code == 0, result.output
    assert stored(app, created["customerId"]).erased_at is not None
    assert runner.invoke(args=["erase-customer", "default", created["customerId"]]).exit_code == 1
    assert runner.invoke(args=["erase-customer", "acme", created["customerId"]]).exit_code == 1
    with app.app_context():
        entries = db.session.query(AuditEntry).order_by(AuditEntry.id).all()
        assert [(e.operator, e.action, e.customer_id) for e in entries] == [
            ("cli", "erased customer", created["customerId"]),
            ("cli", "asked to erase a customer erased before", created["customerId"]),
        ]


def test_the_console_erases_after_confirmation(hooked):
    app, _ = hooked
    body = valid_customer()
    created = app.test_client().post("/api/v1/customers", json=body, headers=bearer(app)).get_json()
    client = operator_client(app)
    path = f"/console/t/default/customers/{created['customerId']}"
    unconfirmed = client.post(path + "/erase")  # the customer's page again, the box marked
    assert unconfirmed.status_code == 422
    marked = BeautifulSoup(unconfirmed.get_data(as_text=True), "html.parser")
    assert marked.select_one("#confirm")["aria-invalid"] == "true"
    assert "Select that you have checked" in marked.select_one("#confirm-error").get_text()
    assert marked.select_one(".error-summary a")["href"] == "#confirm"
    assert body["email"] in marked.select_one("#customer-fields").get_text()
    assert stored(app, created["customerId"]).erased_at is None
    response = client.post(path + "/erase", data={"confirm": "yes"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "was erased" in page and "nothing personal" in page
    assert body["email"] not in page and body["username"] not in page
    assert stored(app, created["customerId"]).erased_at is not None

    again = client.post(path + "/erase", data={"confirm": "yes"})
    assert again.status_code == 303
    with app.app_context():
        actions = [e.action for e in db.session.query(AuditEntry).order_by(AuditEntry.id)]
        erasing = [action for action in actions if "erase" in action]
        assert erasing == ["erased customer", "asked to erase a customer erased before"]


def test_an_erasure_through_the_api_is_in_the_audit_log(hooked):
    app, _ = hooked
    headers = bearer(app)
    key_id = headers["Authorization"].split()[1].partition(".")[0]
    client = app.test_client()
    created = client.post("/api/v1/customers", json=valid_customer(), headers=headers).get_json()
    assert (
        client.delete(f"/api/v1/customers/{created['customerId']}", headers=headers).status_code
        == 204
    )
    assert (
        client.delete(f"/api/v1/customers/{created['customerId']}", headers=headers).status_code
        == 410
    )
    with app.app_context():
        entries = db.session.query(AuditEntry).order_by(AuditEntry.id).all()
        assert [(e.operator, e.action, e.tenant, e.customer_id) for e in entries] == [
            (f"API key {key_id}", "erased customer", "default", created["customerId"]),
            (
                f"API key {key_id}",
                "asked to erase a customer erased before",  # the repeat, which changed nothing
                "default",
                created["customerId"],
            ),
        ]


def test_of_two_erasures_at_once_only_one_erases(hooked):
    """The second read the customer before the first committed: it finds it erased when it
    claims it, and adds no second webhook."""
    app, _ = hooked
    created = (
        app.test_client()
        .post("/api/v1/customers", json=valid_customer(), headers=bearer(app))
        .get_json()
    )
    with app.app_context():
        tenant = registry().get("default")
        stale = db.session.query(Customer).filter_by(id=created["customerId"]).one()
        with app.app_context():  # the other erasure, in its own session
            erase(tenant, db.session.query(Customer).filter_by(id=created["customerId"]).one())
        assert stale.erased_at is None
        with pytest.raises(FaultError) as second:
            erase(tenant, stale)
        assert second.value.faults[0].code == 91019
    with app.app_context():
        webhooks = db.session.query(OutboxMessage).filter_by(kind="webhook").all()
        assert sorted(m.payload["type"] for m in webhooks) == [
            "customer.created",
            "customer.erased",
        ]


def test_the_openapi_document_describes_delete(client):
    operation = client.get("/api/openapi.json").get_json()["paths"][
        "/api/v1/customers/{customerId}"
    ]["delete"]
    assert {"204", "404", "410"} <= set(operation["responses"])


def test_unfinished_drafts_and_unsent_mail_with_the_address_go_too(make_app):
    """Another browser's draft that holds the erased person's address, typed or mailed a code to,
    is the person's data too, as is the code mailed to it."""
    verifying = 'verify_email = "code"'
    app = make_app(f"[tenants.default]\n{verifying}\n[tenants.acme]\n{verifying}\n")
    who = account()
    elsewhere = Wizard(app.test_client())  # begun before the registration, in capitals
    elsewhere.submit({**who, "username": who["username"] + "2", "email": who["email"].upper()})
    created = app.test_client().post("/api/v1/customers", json=valid_customer(email=who["email"]))
    other = account()
    unrelated = Wizard(app.test_client())
    unrelated.submit(other)
    in_acme = Wizard(app.test_client(), start="/t/acme/register")
    in_acme.submit(who)  # another tenant's customer-to-be: not this erasure's
    with app.app_context():
        assert db.session.query(Draft).count() == 3
        db.session.query(OutboxMessage).update({"status": "pending"})
        db.session.commit()

    erased = app.test_client().delete(
        f"/api/v1/customers/{created.get_json()['customerId']}", headers=bearer(app)
    )
    assert erased.status_code == 204
    with app.app_context():
        kept = db.session.query(Draft).all()
        assert sorted(d.answers["email"][0] for d in kept) == sorted([other["email"], who["email"]])
        assert {d.tenant for d in kept if d.answers["email"][0] == who["email"]} == {"acme"}
        assert db.session.query(VerificationCode).count() == 2
        mailed = [m for m in db.session.query(OutboxMessage).all() if m.kind == "email"]
        assert who["email"].upper() not in {m.payload["to"] for m in mailed}
        assert sorted((m.tenant, m.payload["to"]) for m in mailed) == sorted(
            [("default", other["email"]), ("acme", who["email"])]
        )

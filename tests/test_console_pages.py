"""The console's pages (contract section 14): overview, funnel, customer search and page, export,
API keys, outbox; and the commands beside them."""

import json
import re

import pytest
from bs4 import BeautifulSoup
from conftest import bearer, deliver_outbox, make_api_key, valid_customer
from console_client import operator_client
from queued_mail import code_in, mails
from wizard_client import ADDRESS, CONSENTS, PROFILE, Wizard, account

from webapp.console.models import AuditEntry, StepEvent
from webapp.extensions import db
from webapp.models import ApiKey, OutboxMessage, utcnow
from webapp.outbox.worker import Worker


def soup(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def funnel_counts(client):
    page = soup(client.get("/console/t/default"))
    return {
        row["data-step"]: int(row.select_one("[data-drafts]").get_text())
        for row in page.select("#funnel-table tr[data-step]")
    }


def test_overview_counts_registrations_by_door_in_chart_and_table(app):
    client = app.test_client()
    for _ in range(2):
        client.post("/api/v1/customers", json=valid_customer())
    page = soup(operator_client(app).get("/console/t/default"))
    chart = page.select_one("svg[role=img]")
    assert chart.title.get_text() and chart.desc.get_text().startswith("2 registrations")
    header = [th.get_text() for th in page.select("#registrations-table thead th")]
    assert header == ["Day", "JSON API", "All doors"]
    today = page.select("#registrations-table tbody tr")[0]
    assert [td.get_text() for td in today.select("td")] == ["2", "2"]
    assert len(page.select("#registrations-table tbody tr")) == 30


@pytest.mark.parametrize("registrations, axis", [(1, ["0", "1", "2"]), (5, ["0", "5", "10"])])
def test_the_charts_axis_labels_each_gridline_with_its_own_value(app, registrations, axis):
    for _ in range(registrations):
        app.test_client().post("/api/v1/customers", json=valid_customer())
    chart = soup(operator_client(app).get("/console/t/default")).select_one("svg[role=img]")
    # The gridlines' labels from the bottom up: none, half the top (the middle line), the top.
    assert [text.get_text() for text in chart.select("text[x='36']")] == axis


def test_the_funnel_moves_by_one_at_each_step_and_keeps_no_personal_data(app):
    console = operator_client(app)
    assert set(funnel_counts(console).values()) == {0}
    wizard = Wizard(app.test_client())
    assert set(funnel_counts(console).values()) == {0}  # reading a page counts nothing
    expected = dict.fromkeys(("account", "profile", "address", "consents", "done"), 0)
    who = {
        "username": "funnel_walker",
        "email": "walker@example.com",
        "password": "violet-Harbour-tangent-93",
    }
    for step, fields in (
        ("account", who),
        ("profile", PROFILE),
        ("address", ADDRESS),
        ("consents", CONSENTS),
        ("done", {}),
    ):
        wizard.submit(fields)
        expected[step] += 1
        assert funnel_counts(console) == expected, step
    wizard.open(wizard.page.path)  # the completion page again counts nothing more
    assert funnel_counts(console) == expected
    with app.app_context():
        rows = db.session.query(StepEvent).all()
        stored = json.dumps(
            [[r.tenant, r.door, r.step, r.event, str(r.day), r.draft] for r in rows]
        )
        assert "walker" not in stored and "funnel_walker" not in stored
        drafts = {r.draft for r in rows}
        assert len(rows) == 5 and len(drafts) == 1
        assert all(re.fullmatch("[0-9a-f]{32}", d) for d in drafts)


def test_the_funnel_shows_drop_off_between_steps(app):
    Wizard(app.test_client()).submit(account())
    Wizard(app.test_client()).complete()
    page = soup(operator_client(app).get("/console/t/default"))
    profile = page.select_one('#funnel-table tr[data-step="profile"]')
    assert [td.get_text() for td in profile.select("td")] == ["1", "50.0 %"]


def test_the_funnel_of_a_tenant_that_verifies_emails_counts_the_verify_step(make_app):
    app = make_app('[tenants.default]\nverify_email = "code"\n')
    console = operator_client(app)
    walkers, people = [Wizard(app.test_client()) for _ in range(3)], [account() for _ in range(3)]
    for walker, who in zip(walkers, people, strict=True):
        walker.submit(who)
    walkers[0].submit({"code": code_in(mails(app, to=people[0]["email"])[-1])})
    assert walkers[0].page.soup.h1.get_text(strip=True) == "About you"
    walkers[1].submit({"code": "000000"})  # a wrong code counts nothing
    page = soup(console.get("/console/t/default"))
    rows = page.select("#funnel-table tr[data-step]")
    assert [row["data-step"] for row in rows] == [
        "account",
        "verify",
        "profile",
        "address",
        "consents",
        "done",
    ]
    verify = page.select_one('#funnel-table tr[data-step="verify"]')
    assert verify.th.get_text() == "Check your email"
    assert [td.get_text() for td in verify.select("td")] == ["1", "66.7 %"]
    # The tenants that do not verify have no such step.
    assert "verify" not in funnel_counts(operator_client(make_app(), "other@example.com"))


def test_search_finds_by_email_username_number_and_id(app):
    client = app.test_client()
    created = client.post("/api/v1/customers", json=valid_customer()).get_json()
    client.post("/api/v1/customers", json=valid_customer())
    console = operator_client(app)
    for query in (
        created["email"].upper(),
        created["username"],
        str(created["customerNumber"]),
        created["customerId"],
    ):
        rows = soup(console.get("/console/t/default/customers", query_string={"q": query})).select(
            "#customers-table tbody tr"
        )
        assert len(rows) == 1 and created["username"] in rows[0].get_text(), query
    assert not soup(
        console.get("/console/t/default/customers", query_string={"q": "nobody@example.com"})
    ).select("#customers-table")


def test_customers_are_known_by_their_customer_number_not_the_row(make_app):
    # Numbers count per tenant: acme's first customer is number 1, and the second row.
    app = make_app("[tenants.default]\n[tenants.acme]\n", RATELIMIT_ENABLED=False)
    client = app.test_client()
    client.post("/api/v1/customers", json=valid_customer())
    created = client.post("/api/v1/customers?tenant=acme", json=valid_customer()).get_json()
    assert created["customerNumber"] == 1
    console = operator_client(app)
    customers = "/console/t/acme/customers"
    (row,) = soup(console.get(customers, query_string={"q": "1"})).select(
        "#customers-table tbody tr"
    )
    assert row.select_one("td.number").get_text() == "1" and created["username"] in row.get_text()
    assert not soup(console.get(customers, query_string={"q": "2"})).select("#customers-table")
    page = soup(console.get(f"{customers}/{created['customerId']}"))
    assert page.h1.get_text(strip=True) == "Customer 1"


def test_customers_are_listed_a_page_at_a_time(make_app):
    app = make_app(RATELIMIT_ENABLED=False)
    client = app.test_client()
    for _ in range(27):
        client.post("/api/v1/customers", json=valid_customer())
    console = operator_client(app)
    first = soup(console.get("/console/t/default/customers"))
    assert len(first.select("#customers-table tbody tr")) == 25
    older = first.find("a", string="Older customers")["href"]
    second = soup(console.get(older))
    assert len(second.select("#customers-table tbody tr")) == 2
    assert second.find("a", string="Older customers") is None


def test_customer_page_shows_fields_consents_and_messages_and_exports_json(app):
    created = app.test_client().post("/api/v1/customers", json=valid_customer()).get_json()
    console = operator_client(app)
    path = f"/console/t/default/customers/{created['customerId']}"
    page = soup(console.get(path))
    assert created["email"] in page.select_one("#customer-fields").get_text()
    shown = {
        row.select_one("dt").get_text(): row.select_one("dd").get_text()
        for row in page.select("#customer-fields .summary-row")
    }
    assert shown["emailVerified"] == "No"  # a word, not Python's False
    assert (
        "terms" in page.get_text()
        and "account_created" in page.select_one("#customer-messages").get_text()
    )
    exported = console.get(path + "/export")
    assert exported.headers["Content-Disposition"].startswith("attachment")
    assert json.loads(exported.get_data()) == created
    log = soup(console.get("/console/audit")).select_one("#audit-table").get_text()
    assert "exported customer" in log and "viewed customer" in log


def test_customer_page_shows_the_online_ordering_channel(app):
    body = {
        "Customer": {"LastName": "Lovelace", "EMail": "ada.kiosk@example.com"},
        "Password": valid_customer()["password"],
        "SecurityQuestion": "First pet's name?",
        "SecurityAnswer": "Rex",
    }
    headers = {**bearer(app), "X-Api-Channel": "Kiosk"}
    made = app.test_client().put("/v1/Customers", json=body, headers=headers).get_json()
    page = soup(operator_client(app).get(f"/console/t/default/customers/{made['CustomerId']}"))
    assert "Channel (online-ordering API)Kiosk" in page.select_one("#customer-fields").get_text()


def test_keys_are_created_once_listed_and_revoked_to_401(app):
    console = operator_client(app)
    made = console.post("/console/t/default/keys")
    assert made.status_code == 201
    page = BeautifulSoup(made.get_data(as_text=True), "html.parser")
    token = page.select_one("#key-token").get_text()
    key_id = page.select_one("#key-id").get_text()
    api = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert api.post("/api/v1/customers", json=valid_customer(), headers=headers).status_code == 201
    listed = soup(console.get("/console/t/default/keys"))
    row = listed.select_one(f'tr[data-key="{key_id}"]')
    assert "Never" not in row.get_text() and token.split(".")[1] not in listed.get_text()
    console.post(f"/console/t/default/keys/{key_id}/revoke")
    assert api.post("/api/v1/customers", json=valid_customer(), headers=headers).status_code == 401


def test_a_reload_of_the_created_keys_page_makes_no_second_key(app):
    console = operator_client(app)
    form = soup(console.get("/console/t/default/keys")).select_one("form:not(.inline-form)")
    data = {field["name"]: field.get("value", "") for field in form.select("input[type=hidden]")}
    assert console.post(form["action"], data=data).status_code == 201
    again = console.post(form["action"], data=data, follow_redirects=True)  # the reload
    assert "That form was sent already" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(ApiKey).count() == 1
    assert console.post(form["action"], data=data | {"form_nonce": "fresh"}).status_code == 201


def test_outbox_lists_pending_by_tenant_and_kind_and_retries_now(app):
    app.test_client().post("/api/v1/customers", json=valid_customer())
    console = operator_client(app)
    page = soup(console.get("/console/outbox"))
    assert [td.get_text() for td in page.select("#outbox-totals tbody td")] == [
        "default",
        "email",
        "pending",
        "1",
    ]
    with app.app_context():
        message = db.session.query(OutboxMessage).one()
        message.status, message.attempts = "failed", 9
        db.session.commit()
        message_id = message.id
    row = soup(console.get("/console/outbox")).select_one("#outbox-messages tbody tr")
    next_attempt = row.select("td")[5].get_text()
    assert next_attempt == "None: given up (Retry now tries again)"  # never a time to come
    console.post(f"/console/outbox/{message_id}/retry")
    with app.app_context():
        assert db.session.get(OutboxMessage, message_id).status == "pending"
    assert console.post("/console/outbox/msg_unknown/retry").status_code == 404
    # A delivered message, which the page does not offer, is not sent again from the console.
    with app.app_context():
        db.session.get(OutboxMessage, message_id).status = "sent"
        db.session.commit()
    assert console.post(f"/console/outbox/{message_id}/retry").status_code == 404
    with app.app_context():
        assert db.session.get(OutboxMessage, message_id).status == "sent"


def test_retry_now_leaves_a_message_a_worker_is_sending_alone(app):
    """Made due while a worker holds it, a second worker would claim it and send it again."""
    app.test_client().post("/api/v1/customers", json=valid_customer())
    worker = Worker(app)
    with app.app_context():
        [held] = worker._claim("default", utcnow())  # as the worker does, before it sends
        leased = db.session.get(OutboxMessage, held.id).next_attempt_at
    console = operator_client(app)
    answer = console.post(f"/console/outbox/{held.id}/retry", follow_redirects=True)
    assert "is held by a worker" in answer.get_data(as_text=True)
    made_up = console.get("/console/outbox?in_flight=msg_made_up").get_data(as_text=True)
    assert "msg_made_up" not in made_up  # no notice for a message no worker holds
    cli = app.test_cli_runner().invoke(args=["outbox", "retry", held.id])
    assert cli.exit_code == 1 and "is being sent by a worker now" in cli.output
    assert deliver_outbox(app) == {}  # a second worker finds nothing due
    with app.app_context():
        assert db.session.get(OutboxMessage, held.id).next_attempt_at == leased
        [asked] = db.session.query(AuditEntry).filter_by(detail=held.id).all()
        assert asked.action == "asked to retry an outbox message being sent"
        worker._release(held)  # the first worker hands it back untried: now it may be retried
    worker.close()
    assert console.post(f"/console/outbox/{held.id}/retry").headers["Location"] == "/console/outbox"
    with app.app_context():
        assert db.session.query(AuditEntry).filter_by(detail=held.id).count() == 2


def test_commands_list_and_revoke_keys(app):
    key_id, _ = make_api_key(app)
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["list-api-keys", "default"])
    assert key_id in listed.output and "revoked: -" in listed.output
    assert runner.invoke(args=["revoke-api-key", key_id]).exit_code == 0
    assert "revoked: 20" in runner.invoke(args=["list-api-keys", "default"]).output
    assert runner.invoke(args=["revoke-api-key", "key_nothing"]).exit_code == 1
    assert runner.invoke(args=["list-api-keys", "nobody"]).exit_code == 1
    with app.app_context():
        assert db.session.get(ApiKey, key_id).revoked_at is not None


def test_commands_that_act_are_in_the_audit_log(app):
    runner = app.test_cli_runner()
    made = runner.invoke(args=["create-api-key", "default"]).output
    key_id = re.search(r"key id: (\S+)", made).group(1)
    runner.invoke(args=["revoke-api-key", key_id])
    log = soup(operator_client(app).get("/console/audit")).select_one("#audit-table")
    rows = [row.get_text(" ", strip=True) for row in log.select("tbody tr")]
    for action in ("created API key", "revoked API key"):
        assert any(action in row and key_id in row and "cli" in row for row in rows), action


def test_an_operator_of_every_tenant_sees_entries_about_no_tenant(app):
    operator_client(app, "acme@example.com", "default")  # made by the command, then signs in
    everyone = soup(operator_client(app).get("/console/audit")).select_one("#audit-table")
    assert "acme@example.com" in everyone.get_text()  # created, enrolled, signed in
    limited = operator_client(app, "limited@example.com", "default")
    shown = soup(limited.get("/console/audit")).select_one("#audit-table").get_text()
    assert "acme@example.com" not in shown and "ops@example.com" not in shown


def test_create_operator_refuses_an_unknown_tenant(app):
    result = app.test_cli_runner().invoke(
        args=["create-operator", "a@example.com", "--tenant", "nobody"]
    )
    assert result.exit_code == 1 and "nobody" in result.output


def test_demo_data_fills_the_overview(app):
    result = app.test_cli_runner().invoke(args=["demo-data", "--customers", "300"])
    assert result.exit_code == 0, result.output
    counts = funnel_counts(operator_client(app))
    assert counts["account"] > counts["profile"] > counts["done"] > 0
    page = soup(operator_client(app, "other@example.com").get("/console/t/default"))
    assert page.select_one("#registrations-caption").get_text().endswith("(total: 300)")


def test_a_method_a_console_page_does_not_take_is_a_405_in_the_pages_language(app):
    for client in (app.test_client(), operator_client(app)):
        response = client.delete("/console/sign-in?lang=de")
        assert response.status_code == 405
        assert "GET" in response.headers["Allow"] and "POST" in response.headers["Allow"]
        text = response.get_data(as_text=True)
        assert "Diese Seite kann so nicht verwendet werden." in text
        assert "The method is not allowed" not in text

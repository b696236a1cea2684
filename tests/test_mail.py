"""Account emails (contract section 11): over SMTP with retries, or written as .eml files; text and
HTML parts with the tenant's name and branding, never a password."""

import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from conftest import STRONG_PASSWORD, deliver_outbox, valid_customer

from webapp.config import ConfigError
from webapp.extensions import db
from webapp.models import OutboxMessage

TENANT = """
[tenants.default]
name = "Acme Bets"
support_email = "help@acme.example"
primary_colour = "#aa3300"
"""


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self):
        return [email.message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]


def free_port():
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    """start() runs an SMTP server on a fixed port of 127.0.0.1 (again after stop())."""
    port, inbox, running = free_port(), Inbox(), []

    class Server:
        def __init__(self):
            self.port, self.inbox = port, inbox

        def start(self):
            controller = Controller(inbox, hostname="127.0.0.1", port=port)
            controller.start()
            running.append(controller)

        def stop(self):
            running.pop().stop()

    yield Server()
    while running:
        running.pop().stop()


@pytest.fixture
def instance(tmp_path, monkeypatch):
    folder = tmp_path / "instance"
    monkeypatch.setenv("INSTANCE_PATH", str(folder))
    return folder


def register(app, **fields):
    response = app.test_client().post("/api/v1/customers", json=valid_customer(**fields))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def email_message(app):
    with app.app_context():
        return db.session.execute(
            db.select(OutboxMessage).where(OutboxMessage.kind == "email")
        ).scalar_one()


def parts(message):
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


def test_the_account_email_goes_out_over_smtp(make_app, smtp_server, instance):
    smtp_server.start()
    app = make_app(
        TENANT,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_server.port,
        MAIL_FROM="accounts@acme.example",
    )
    customer = register(app)
    assert deliver_outbox(app)["sent"] == 1

    [envelope] = smtp_server.inbox.envelopes
    assert envelope.rcpt_tos == [customer["email"]]
    [message] = smtp_server.inbox.messages()
    assert message["To"] == customer["email"]
    assert message["From"] == "Acme Bets <accounts@acme.example>"
    assert message["Reply-To"] == "help@acme.example"
    assert message["Subject"] == "Your Acme Bets account"
    assert message["Message-ID"] == f"<{email_message(app).id}@acme.example>"
    for part in parts(message):
        assert customer["username"] in part
        assert str(customer["customerNumber"]) in part
        assert "Acme Bets" in part
        assert "help@acme.example" in part
    assert "#aa3300" in parts(message)[1]  # the tenant's branding
    assert not (instance / "outbox-mail").exists()


def test_a_sender_and_support_address_with_a_unicode_domain_go_out_in_their_ascii_form(
    make_app, smtp_server, instance
):
    smtp_server.start()
    app = make_app(
        TENANT.replace("help@acme.example", "hilfe@bücher.example"),
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_server.port,
        MAIL_FROM="konto@bücher.example",
    )
    register(app)
    assert deliver_outbox(app)["sent"] == 1

    [message] = smtp_server.inbox.messages()
    assert message["From"] == "Acme Bets <konto@xn--bcher-kva.example>"
    assert message["Reply-To"] == "hilfe@xn--bcher-kva.example"


@pytest.mark.parametrize("sender", ["kontö@acme.example", "Acme <konto@acme.example>", "konto@"])
def test_a_sender_no_mail_can_carry_stops_the_start(make_app, sender):
    with pytest.raises(ConfigError, match="MAIL_FROM="):
        make_app(TENANT, MAIL_FROM=sender)


@pytest.mark.parametrize("port", ["0", "70000"])
def test_a_mail_port_no_connection_can_use_stops_the_start(make_app, monkeypatch, port):
    monkeypatch.setenv("MAIL_PORT", port)
    with pytest.raises(ConfigError, match="MAIL_PORT="):
        make_app(TENANT)


def test_the_email_never_holds_the_password(make_app, smtp_server, instance):
    smtp_server.start()
    app = make_app(TENANT, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    register(app)
    deliver_outbox(app)
    [envelope] = smtp_server.inbox.envelopes
    [message] = smtp_server.inbox.messages()
    assert STRONG_PASSWORD.encode() not in envelope.content
    for part in parts(message):
        assert STRONG_PASSWORD not in part


def test_markup_in_a_name_is_escaped_in_the_html_part(make_app, smtp_server, instance):
    smtp_server.start()
    app = make_app(TENANT, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    register(app, forename="<b>Ada</b>")
    deliver_outbox(app)
    text, html = parts(smtp_server.inbox.messages()[0])
    assert "Hello <b>Ada</b>," in text  # plain text shows what was typed
    assert "&lt;b&gt;Ada&lt;/b&gt;" in html
    assert "<b>Ada</b>" not in html


def test_mail_queued_while_the_server_is_down_goes_out_when_it_is_back(
    make_app, smtp_server, instance
):
    app = make_app(TENANT, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    customer = register(app)
    assert deliver_outbox(app)["retry"] == 1  # nothing listens yet
    message = email_message(app)
    assert (message.status, message.attempts) == ("pending", 1)
    assert message.last_error.startswith("ConnectionRefusedError")

    smtp_server.start()
    assert deliver_outbox(app, message.next_attempt_at)["sent"] == 1
    assert [e.rcpt_tos for e in smtp_server.inbox.envelopes] == [[customer["email"]]]
    assert email_message(app).status == "sent"


def test_without_a_mail_server_the_email_is_written_to_the_instance_folder(make_app, instance):
    app = make_app(TENANT)
    customer = register(app)
    assert deliver_outbox(app)["sent"] == 1
    message_id = email_message(app).id
    [written] = (instance / "outbox-mail").iterdir()
    assert written.name == f"{message_id}.eml"
    message = email.message_from_bytes(written.read_bytes(), policy=policy.default)
    assert message["To"] == customer["email"]
    text, html = parts(message)
    assert customer["username"] in text and customer["username"] in html


def test_no_email_is_queued_when_the_tenant_sends_none(make_app, instance):
    app = make_app(TENANT + "send_account_email = false\n")
    register(app)
    assert deliver_outbox(app) == {}
    assert not (instance / "outbox-mail").exists()


def test_text_that_is_not_ascii_goes_out_as_seven_bit_mime(make_app, smtp_server, instance):
    smtp_server.start()
    app = make_app(TENANT, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    register(app, forename="Jörg", surname="Straße")
    deliver_outbox(app)

    [envelope] = smtp_server.inbox.envelopes
    # 8-bit text would need BODY=8BITMIME declared, which a plain address does not get.
    assert "BODY=8BITMIME" not in envelope.mail_options
    assert envelope.content.isascii()
    text, html = parts(smtp_server.inbox.messages()[0])
    assert "Jörg" in text and "Jörg" in html


def test_an_address_that_is_not_ascii_is_written_whole_to_the_eml_file(make_app, instance):
    app = make_app(TENANT)
    register(app, email="jörg@bäckerei.example")
    deliver_outbox(app)

    [written] = (instance / "outbox-mail").iterdir()
    raw = written.read_bytes()
    assert "\nTo: jörg@bäckerei.example\n".encode() in raw.replace(b"\r\n", b"\n")
    message = email.message_from_string(raw.decode("utf-8"), policy=policy.SMTPUTF8)
    assert message["To"].addresses[0].addr_spec == "jörg@bäckerei.example"


@pytest.mark.parametrize(
    "typed, sent",
    [
        ("bud@ＥＸＡＭＰＬＥ.com", "bud@example.com"),
        ("ada@bäckerei.example", "ada@xn--bckerei-5wa.example"),
    ],
)
def test_a_domain_typed_in_unicode_is_mailed_in_the_form_the_dns_reads(make_app, typed, sent):
    # An ASCII local part needs no SMTPUTF8 once the domain is in its ASCII form.
    app = make_app(TENANT)
    register(app, email=typed)
    assert email_message(app).payload["to"] == sent

"""Webhooks (contract section 11): signed with Standard Webhooks, retried until a 2xx, never in the
way of a registration or of another tenant's deliveries."""

import socket
import threading
import time
from datetime import timedelta

import pytest
from conftest import WEBHOOK_SECRET, deliver_outbox, valid_customer
from standardwebhooks import Webhook

from webapp.extensions import db
from webapp.models import OutboxMessage, utcnow


def webhook_app(make_app, *receivers, **config):
    """An app whose default tenant (then 'second', ...) posts to each receiver (or URL) given."""
    tables = []
    for slug, receiver in zip(("default", "second"), receivers, strict=False):
        keys = (
            receiver.tenant_keys
            if hasattr(receiver, "tenant_keys")
            else f'webhook_url = "{receiver}"\nwebhook_secret = "{WEBHOOK_SECRET}"\n'
        )
        tables.append(f"[tenants.{slug}]\nsend_account_email = false\n{keys}")
    return make_app("\n".join(tables), **config)


def register(client, tenant="default"):
    response = client.post(f"/api/v1/customers?tenant={tenant}", json=valid_customer())
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def webhook_message(app):
    with app.app_context():
        return db.session.execute(
            db.select(OutboxMessage).where(OutboxMessage.kind == "webhook")
        ).scalar_one()


@pytest.fixture
def silent_endpoint():
    """A URL whose server accepts connections and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    yield listener, f"http://127.0.0.1:{listener.getsockname()[1]}/hooks"
    listener.close()


def test_a_registration_s_webhook_arrives_once_and_verifies(make_app, webhook_receiver):
    receiver = webhook_receiver()
    app = webhook_app(make_app, receiver)
    customer = register(app.test_client())
    assert receiver.received == []  # nothing is sent by the registration itself

    assert deliver_outbox(app)["sent"] == 1
    assert deliver_outbox(app)["sent"] == 0
    [event] = receiver.events()
    assert event["type"] == "customer.created"
    assert event["data"] == customer
    assert event["timestamp"].startswith(customer["createdAt"][:10])
    headers, _ = receiver.received[0]
    assert headers["webhook-id"] == webhook_message(app).id
    assert headers["webhook-signature"].startswith("v1,")
    assert headers["Content-Type"] == "application/json"
    assert webhook_message(app).status == "sent"


def test_the_signature_is_made_with_the_tenant_s_secret(make_app, webhook_receiver):
    receiver = webhook_receiver()
    app = webhook_app(make_app, receiver)
    register(app.test_client())
    deliver_outbox(app)
    headers, body = receiver.received[0]
    other = Webhook("whsec_" + "b3RoZXIgc2VjcmV0LCBvdGhlciBwYXJ0bmVyIQ==")
    with pytest.raises(Exception, match="No matching signature"):
        other.verify(body, headers)


def test_a_failing_receiver_gets_the_event_on_the_third_attempt_with_the_same_id(
    make_app, webhook_receiver
):
    receiver = webhook_receiver(statuses=[500, 503])
    app = webhook_app(make_app, receiver, OUTBOX_RETRY_BASE_SECONDS=60)
    register(app.test_client())
    start = utcnow()

    assert deliver_outbox(app, start)["retry"] == 1
    first_retry = start + timedelta(seconds=60)
    assert webhook_message(app).next_attempt_at == first_retry
    assert deliver_outbox(app, first_retry - timedelta(seconds=1)) == {}  # not due yet

    assert deliver_outbox(app, first_retry)["retry"] == 1
    second_retry = first_retry + timedelta(seconds=120)  # the delay doubles
    assert webhook_message(app).next_attempt_at == second_retry
    assert webhook_message(app).last_error == "WebhookRejected: answered HTTP 503"

    assert deliver_outbox(app, second_retry)["sent"] == 1
    assert len(receiver.received) == 3
    assert len({headers["webhook-id"] for headers, _ in receiver.received}) == 1
    assert len(receiver.events()) == 3  # every attempt is signed and verifies
    message = webhook_message(app)
    assert (message.status, message.attempts, message.last_error) == ("sent", 3, None)


@pytest.mark.parametrize("status", [201, 204, 299])
def test_any_2xx_is_delivery(make_app, webhook_receiver, status):
    receiver = webhook_receiver(statuses=[status])
    app = webhook_app(make_app, receiver)
    register(app.test_client())
    assert deliver_outbox(app)["sent"] == 1


@pytest.mark.parametrize("status", [301, 400, 404, 410, 500])
def test_anything_but_a_2xx_is_retried(make_app, webhook_receiver, status):
    receiver = webhook_receiver(statuses=[status])
    app = webhook_app(make_app, receiver)
    register(app.test_client())
    assert deliver_outbox(app)["retry"] == 1
    assert webhook_message(app).last_error == f"WebhookRejected: answered HTTP {status}"


def test_a_silent_receiver_neither_slows_registration_nor_holds_the_worker(
    make_app, silent_endpoint
):
    listener, url = silent_endpoint
    app = webhook_app(make_app, url, WEBHOOK_TIMEOUT=0.5)
    started = time.monotonic()
    register(app.test_client())
    assert time.monotonic() - started < 0.5  # registration never waits on the partner
    listener.settimeout(0)
    with pytest.raises(BlockingIOError):
        listener.accept()  # and did not even connect to it

    started = time.monotonic()
    assert deliver_outbox(app)["retry"] == 1
    assert 0.5 <= time.monotonic() - started < 5
    message = webhook_message(app)
    assert message.status == "pending"
    assert message.last_error == "TimeoutError: no answer within 0.5 s"


@pytest.fixture
def trickling_endpoint():
    """A URL whose server answers 200, a byte every 0.2 s: each read is quick, the answer not."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve():
        connection, _ = listener.accept()
        with connection:
            for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n":
                if stop.wait(0.2):
                    return
                try:
                    connection.sendall(bytes([byte]))
                except OSError:
                    return  # the worker hung up

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/hooks"
    stop.set()
    listener.close()


def test_an_answer_that_trickles_in_past_the_timeout_is_retried(make_app, trickling_endpoint):
    app = webhook_app(make_app, trickling_endpoint, WEBHOOK_TIMEOUT=1)
    register(app.test_client())
    started = time.monotonic()
    assert deliver_outbox(app)["retry"] == 1  # the whole answer would take 8 s
    assert time.monotonic() - started < 4
    assert webhook_message(app).last_error == "TimeoutError: no answer within 1 s"


def test_a_silent_partner_does_not_hold_up_another_tenant(
    make_app, silent_endpoint, webhook_receiver
):
    _, silent_url = silent_endpoint
    receiver = webhook_receiver()
    app = webhook_app(make_app, silent_url, receiver, WEBHOOK_TIMEOUT=3)
    client = app.test_client()
    register(client, "default")  # the silent partner's, queued first
    register(client, "second")

    worker = threading.Thread(target=deliver_outbox, args=(app,))
    worker.start()
    deadline = time.monotonic() + 2
    while not receiver.received and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(receiver.received) == 1
    assert worker.is_alive()  # still waiting on the silent partner
    worker.join()


def test_a_partner_that_cannot_be_reached_is_retried(make_app):
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]  # closed again: nothing listens there
    app = webhook_app(make_app, f"http://127.0.0.1:{port}/hooks")
    register(app.test_client())
    assert deliver_outbox(app)["retry"] == 1
    assert webhook_message(app).last_error.startswith("ConnectionRefusedError")

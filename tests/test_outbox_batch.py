"""The messages a registration queues are written together at the end of its block (one
INSERT), with whom they are about, and not at all when the block fails."""

import pytest
from conftest import statements, valid_customer

from webapp import outbox
from webapp.extensions import db
from webapp.models import OutboxMessage
from webapp.tenants import registry


def stored_messages(app):
    with app.app_context():
        query = db.select(OutboxMessage).order_by(OutboxMessage.created_at)
        return db.session.execute(query).scalars().all()


def test_a_batch_writes_its_messages_at_its_end_with_whom_they_are_about(app):
    with app.test_request_context():
        tenant = registry().default
        with outbox.batched():
            outbox.email(tenant, "account_created", "a@example.com", customer_id="c-1")
            outbox.email(tenant, "account_created", "b@example.com", customer_id="c-2")
            assert not db.session.new  # held back, not in the unit of work
        db.session.commit()
    written = stored_messages(app)
    assert sorted((m.customer_id, m.payload["to"]) for m in written) == [
        ("c-1", "a@example.com"),
        ("c-2", "b@example.com"),
    ]
    assert {(m.kind, m.status, m.attempts) for m in written} == {("email", "pending", 0)}
    assert all(m.next_attempt_at and m.created_at for m in written)


def test_a_failed_batch_writes_nothing(app):
    with app.test_request_context():
        tenant = registry().default
        with pytest.raises(RuntimeError), outbox.batched():
            outbox.email(tenant, "account_created", "a@example.com", customer_id="c-1")
            raise RuntimeError("the registration failed")
        outbox.email(tenant, "account_created", "b@example.com", customer_id="c-2")
        db.session.commit()  # outside a batch a message goes through the session as before
    assert [m.customer_id for m in stored_messages(app)] == ["c-2"]


def test_a_registration_writes_its_outbox_messages_in_one_statement(app, client):
    with statements(app) as seen:
        response = client.post("/api/v1/customers", json=valid_customer())
    assert response.status_code == 201
    assert len([s for s in seen if s.startswith("INSERT INTO outbox_message")]) == 1
    customer_id = response.get_json()["customerId"]
    assert {m.customer_id for m in stored_messages(app)} == {customer_id}

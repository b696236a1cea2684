"""The outbox (contract section 11): what a registration promises to tell others is written in the
customer's transaction here, and delivered later by `flask --app webapp worker` (see delivery.py).
"""
import uuid
from datetime import UTC, datetime

from webapp.extensions import db
from webapp.models import OutboxMessage
from webapp.registration.representation import customer_json


def new_message_id():
    return f"msg_{uuid.uuid4().hex}"


def customer_created(tenant, customer, send_email: bool):
    """Queue the account email and the webhook for a customer that was just flushed."""
    if send_email:
        db.session.add(OutboxMessage(
            id=new_message_id(), kind="email", tenant=tenant.slug,
            payload={"template": "account_created", "customerId": customer.id,
                     "to": customer.email, "language": customer.language}))
    if tenant.webhook_url:
        db.session.add(OutboxMessage(
            id=new_message_id(), kind="webhook", tenant=tenant.slug,
            payload={"type": "customer.created",
                     "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
                     "data": customer_json(customer)}))

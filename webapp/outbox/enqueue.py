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


def email(tenant, template, to, language=None, customer_id=None, sealed=None):
    """Queue a mail from templates/email/<template>.*; `sealed` (encrypted) holds what must not
    be stored in clear, such as a verification code."""
    payload = {"template": template, "to": to, "language": language}
    if customer_id is not None:
        payload["customerId"] = customer_id
    if sealed is not None:
        payload["sealed"] = sealed
    db.session.add(
        OutboxMessage(id=new_message_id(), kind="email", tenant=tenant.slug, payload=payload)
    )


def webhook(tenant, event_type, customer):
    """Queue the event `event_type` with the customer as its data, if the tenant has a hook."""
    if tenant.webhook_url:
        db.session.add(
            OutboxMessage(
                id=new_message_id(),
                kind="webhook",
                tenant=tenant.slug,
                payload={
                    "type": event_type,
                    "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
                    "data": customer_json(customer),
                },
            )
        )


def customer_created(tenant, customer, send_email: bool):
    """Queue the account email and the webhook for a customer that was just flushed."""
    if send_email:
        email(tenant, "account_created", customer.email, customer.language, customer.id)
    webhook(tenant, "customer.created", customer)

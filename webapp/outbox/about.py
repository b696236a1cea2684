"""Which customer an outbox message is about, kept beside it for the console and for erasure.

Read from the payload as it is written, so that every kind of message (an email's `customerId`,
a webhook's `data.customerId`) is found without its writer having to say so.
"""

from sqlalchemy import event

from webapp.models import OutboxMessage


@event.listens_for(OutboxMessage, "before_insert")
def _about(mapper, connection, message):
    payload = message.payload or {}
    data = payload.get("data") if isinstance(payload.get("data"), dict) else {}
    message.customer_id = message.customer_id or payload.get("customerId") or data.get("customerId")

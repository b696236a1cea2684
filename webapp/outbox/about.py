"""Which customer an outbox message is about, kept beside it for the console and for erasure.

Read from the payload as it is written, so that every kind of message (an email's `customerId`,
a webhook's `data.customerId`) is found without its writer having to say so: by `enqueue` for
the rows it writes itself, by the ORM's before_insert for every other OutboxMessage.
"""

from sqlalchemy import event

from webapp.models import OutboxMessage


def customer_of(payload):
    """The id of the customer a message's payload is about, or None."""
    payload = payload or {}
    data = payload.get("data") if isinstance(payload.get("data"), dict) else {}
    return payload.get("customerId") or data.get("customerId")


@event.listens_for(OutboxMessage, "before_insert")
def _about(mapper, connection, message):
    message.customer_id = message.customer_id or customer_of(message.payload)

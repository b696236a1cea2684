"""The outbox (contract section 11): messages written with the customer (`enqueue`), delivered
afterwards by the worker as mail (`mail`) or signed webhooks (`webhooks`)."""

from webapp.outbox import about  # noqa: F401 (each message notes whom it is about)
from webapp.outbox.enqueue import batched, customer_created, email, new_message_id, webhook

__all__ = ["batched", "customer_created", "email", "new_message_id", "webhook"]

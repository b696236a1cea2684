"""The outbox (contract section 11): what a registration promises to tell others is written in the
customer's transaction here, and delivered later by `flask --app webapp worker` (see delivery.py).
"""

import uuid
from contextlib import contextmanager
from datetime import UTC, datetime

import idna
from sqlalchemy import insert

from webapp.extensions import db
from webapp.models import OutboxMessage
from webapp.outbox.about import customer_of
from webapp.registration.representation import customer_json

TABLE = OutboxMessage.__table__
BATCH = "outbox batch"  # the session.info key of the rows `batched` holds back


def new_message_id():
    return f"msg_{uuid.uuid4().hex}"


def _queue(tenant, kind, payload):
    row = {
        "id": new_message_id(),
        "kind": kind,
        "tenant": tenant.slug,
        "payload": payload,
        "customer_id": customer_of(payload),
    }
    held = db.session.info.get(BATCH)
    if held is None:
        db.session.add(OutboxMessage(**row))
    else:
        held.append(row)


@contextmanager
def batched():
    """The messages queued inside the block are written at its end, together, with one Core
    INSERT in the session's transaction: nothing reads them back, so none of the ORM's unit of
    work is needed for them. An exception in the block writes none of them."""
    info = db.session.info
    if BATCH in info:  # inside another batch, which writes these with its own
        yield
        return
    info[BATCH] = rows = []
    try:
        yield
        if rows:
            db.session.connection().execute(insert(TABLE), rows)
    finally:
        info.pop(BATCH, None)


def deliverable(address):
    """The address a mail goes to: without the spaces a wizard step kept around it, and with its
    domain as the DNS reads it where the part before the @ is ASCII ("bud@ＥＸＡＭＰＬＥ.com" is
    bud@example.com, "ada@bücher.de" ada@xn--bcher-kva.de), so that it needs no SMTPUTF8."""
    address = address.strip()
    local, at, domain = address.rpartition("@")
    if not (at and local.isascii()) or domain.isascii():
        return address
    try:
        return f"{local}@{idna.encode(domain, uts46=True).decode('ascii')}"
    except idna.IDNAError:
        return address


def email(tenant, template, to, language=None, customer_id=None, sealed=None):
    """Queue a mail from templates/email/<template>.*; `sealed` (encrypted) holds what must not
    be stored in clear, such as a verification code."""
    payload = {"template": template, "to": deliverable(to), "language": language}
    if customer_id is not None:
        payload["customerId"] = customer_id
    if sealed is not None:
        payload["sealed"] = sealed
    _queue(tenant, "email", payload)


def webhook(tenant, event_type, customer):
    """Queue the event `event_type` with the customer as its data, if the tenant has a hook."""
    if tenant.webhook_url:
        payload = {
            "type": event_type,
            "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
            "data": customer_json(customer),
        }
        _queue(tenant, "webhook", payload)


def customer_created(tenant, customer, send_email: bool):
    """Queue the account email and the webhook for a customer that was just flushed."""
    if send_email:
        email(tenant, "account_created", customer.email, customer.language, customer.id)
    webhook(tenant, "customer.created", customer)

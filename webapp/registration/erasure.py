"""Erasure (GDPR art. 17, contract section 14): every door and the console call `erase`.

What stays is what identifies the record without identifying the person: the customer id and
number, the tenant, the creation time, the door and source, and the consent records (which
consent, which version of its text, when, through which door, without the keyed hashes of the
client's address and user agent). Everything the person typed is
gone, the username and email are free for a new registration, mail not yet sent to them is
dropped, what the outbox keeps about them is blanked, and the tenant's webhook hears
`customer.erased`.
"""

from datetime import UTC, datetime

from sqlalchemy import delete, select, update

from webapp.extensions import db
from webapp.faults import fault
from webapp.forms.rules import email_key
from webapp.models import (
    ConsentEvent,
    ConsentRecord,
    Customer,
    Draft,
    IdempotencyRecord,
    LoyaltyAccount,
    OutboxMessage,
    VerificationCode,
    utcnow,
)
from webapp.outbox import new_message_id
from webapp.registration.representation import customer_json

# Columns set to nothing; username_key is NOT NULL and unique, so it gets a value no username can
# take (":" is not allowed in one).
BLANKED = (
    "external_id",
    "password_hash",
    "email_unique_key",
    "title",
    "forename",
    "surname",
    "date_of_birth",
    "phone",
    "mobile",
    "address",
    "display_name",
    "gender",
    "nationality",
    "language",
    "security_question",
    "security_answer_hash",
    "loyalty_card_number",
    "stored_value_card_number",
)
EMPTIED = {"username": "", "email": "", "custom_attributes": [], "contact_methods": [], "extra": {}}


def erase(tenant, customer):
    """Erase `customer` of `tenant` and commit; 410 91019 if it was erased before."""
    session = db.session
    erased_at = utcnow()
    # Claimed in one statement, so that of two erasures at once only one goes on (one webhook,
    # one audit entry); the other waits for the row and finds it erased.
    claimed = session.execute(
        update(Customer)
        .where(Customer.id == customer.id, Customer.erased_at.is_(None))
        .values(erased_at=erased_at)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        session.rollback()  # the caller's audit entry of an erasure that did not happen too
        raise fault(91019)
    address = email_key(customer.email) if customer.email else None
    for column in BLANKED:
        setattr(customer, column, None)
    for column, value in EMPTIED.items():
        setattr(customer, column, value)
    customer.username_key = f"erased:{customer.id}"
    customer.erased_at = erased_at
    # The drafts' verification codes first: each holds the address it was sent to, and SQLite
    # does not cascade the drafts' deletion to them.
    drafts = _drafts_of(tenant, customer, address)
    session.execute(delete(VerificationCode).where(VerificationCode.draft_id.in_(drafts)))
    session.execute(delete(Draft).where(Draft.id.in_(drafts)))
    # A retry of the request that made the customer answers that the customer is erased: the
    # first answer held the person's data, and no answer at all would register them again.
    erased = fault(91019)
    session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.response["customerId"].as_string() == customer.id)
        .values(status=erased.status, response=erased.to_dict())
    )
    # The consent evidence stays, without the keyed hashes of the person's address and browser.
    session.execute(
        ConsentEvent.__table__.update()
        .where(
            ConsentEvent.record_id.in_(
                select(ConsentRecord.id).where(ConsentRecord.customer_number == customer.number)
            )
        )
        .values(client_hash=None, agent_hash=None)
    )
    session.execute(
        LoyaltyAccount.__table__.update()
        .where(LoyaltyAccount.customer_number == customer.number)
        .values(customer_number=None)
    )
    erased = customer_json(customer)
    for message in session.scalars(
        select(OutboxMessage).where(OutboxMessage.customer_id == customer.id)
    ).all():
        if message.kind == "email" and message.status != "sent":
            session.delete(message)  # undelivered mail to the customer is dropped
        elif message.kind == "email":
            message.payload = {**message.payload, "to": ""}
        elif isinstance(message.payload.get("data"), dict):
            message.payload = {**message.payload, "data": erased}
    for message in _mail_to(tenant, address):  # a code or notice mailed for a draft
        if message.status == "sent":
            message.payload = {**message.payload, "to": ""}
        else:
            session.delete(message)
    if tenant.webhook_url:
        session.add(
            OutboxMessage(
                id=new_message_id(),
                kind="webhook",
                tenant=tenant.slug,
                payload={
                    "type": "customer.erased",
                    "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
                    "data": erased,
                },
            )
        )
    session.commit()
    return customer


def _drafts_of(tenant, customer, address):
    """The ids of the customer's completed drafts and of the tenant's unfinished ones that hold
    the address (typed in the account step, or mailed a code): the person's data, even when typed
    in another browser or by someone else."""
    ids = set(db.session.scalars(select(Draft.id).where(Draft.customer_id == customer.id)))
    if address is None:
        return ids
    typed = db.session.execute(
        select(Draft.id, Draft.answers[("email", 0)].as_string()).where(
            Draft.tenant == tenant.slug, Draft.customer_id.is_(None)
        )
    )
    ids.update(draft for draft, email in typed if email and email_key(email) == address)
    ids.update(
        db.session.scalars(
            select(VerificationCode.draft_id)
            .join(Draft, Draft.id == VerificationCode.draft_id)
            .where(Draft.tenant == tenant.slug, VerificationCode.email_key == address)
        )
    )
    return ids


def _mail_to(tenant, address):
    """The tenant's mail to the address about no customer (codes, notices of a taken address)."""
    if address is None:
        return []
    mail = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.tenant == tenant.slug,
            OutboxMessage.kind == "email",
            OutboxMessage.customer_id.is_(None),
        )
    )
    return [m for m in mail if email_key(m.payload.get("to") or "") == address]

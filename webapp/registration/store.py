"""Storing a customer: one transaction that holds the customer, its consents and its outbox
messages, or nothing."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webapp import outbox
from webapp.extensions import db
from webapp.faults import FaultError
from webapp.forms.address import PARTS as ADDRESS_PARTS
from webapp.forms.profile import ATTRIBUTE_PREFIX
from webapp.forms.rules import email_key, username_key
from webapp.http import logs
from webapp.models import ConsentRecord, Customer
from webapp.registration import loyalty, numbers, rules
from webapp.registration.fields import CONSENT_LISTS, column_values
from webapp.registration.passwords import hash_secret
from webapp.trust import stored

CONSENTS, CONTACT_METHODS = CONSENT_LISTS


@dataclass
class Options:
    """What a door adds beyond the answers (the dialects' extras)."""

    send_email: bool | None = None  # None: the tenant's send_account_email
    loyalty_linking: bool = True
    stored_value: bool = False
    security_question: str | None = None
    security_answer: str | None = None
    language: str | None = None
    extra: dict = field(default_factory=dict)
    # Called with the flushed customer inside its transaction: what the door records with it
    # commits, or fails, together with it (the wizard's draft).
    before_commit: Callable | None = None
    email_verified_at: datetime | None = None  # when the door proved the address (a code)


def register(
    tenant, answers, door, caller=rules.Caller(), prior=(), password_hash=None, options=None
):
    """Check everything and store the customer with its consents and outbox messages, or raise
    FaultError with every fault found."""
    rules.ensure_open(tenant)
    options = options or Options()
    data, faults = rules.check(
        tenant, answers, door, caller, prior=prior, password_hash=password_hash
    )
    if faults:
        raise FaultError(faults)
    if data.get("password"):
        password_hash = hash_secret(data["password"])
    customer = _customer(tenant, data, door, caller, password_hash, options)
    # First in the transaction: on SQLite the counter's write lock is then taken before any read.
    customer.tenant_number = numbers.next_number(tenant.slug)
    if tenant.loyalty:
        loyalty.assign(tenant, customer, options.loyalty_linking, options.stored_value)
    stored.prepare(tenant, customer, options.email_verified_at)
    db.session.add(customer)
    try:
        # The messages the registration queues are written together, in one statement.
        with outbox.batched():
            db.session.flush()  # the database's unique constraints decide races
            stored.announce(tenant, customer)
            send = tenant.send_account_email if options.send_email is None else options.send_email
            outbox.customer_created(tenant, customer, send_email=send)
            if options.before_commit is not None:
                options.before_commit(customer)
        # Detached as flushed (with its consents), so that the door reads what was stored without
        # loading it again once the commit has expired it.
        db.session.expunge(customer)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        # A racing registration took a unique value after the check: ask which one.
        taken = rules.taken(tenant, data)
        if not taken:
            raise
        raise FaultError(taken) from None
    except Exception:
        db.session.rollback()
        raise
    return customer


def _customer(tenant, data, door, caller, password_hash, options):
    address = None
    if address_given_data(data):
        address = {part: data.get(part) or None for part in ADDRESS_PARTS}
        address["countryCode"] = address["countryCode"].upper()
    customer = Customer(
        tenant=tenant.slug,
        **column_values(tenant, data),
        username_key=username_key(data["username"]),
        password_hash=password_hash,
        email_unique_key=email_key(data["email"]) if tenant.unique_email else None,
        address=address,
        custom_attributes=[
            {"name": a.name, "value": data[ATTRIBUTE_PREFIX + a.name]}
            for a in tenant.custom_attributes
            if data.get(ATTRIBUTE_PREFIX + a.name)
        ],
        contact_methods=list(dict.fromkeys(data.get(CONTACT_METHODS) or [])),
        user_id=caller.user_id,
        source=caller.source,
        door=door,
        language=options.language,
        security_question=options.security_question,
        security_answer_hash=hash_secret(options.security_answer)
        if options.security_answer
        else None,
        extra=options.extra,
    )
    customer.consents = [
        ConsentRecord(consent_id=c, version=tenant.consent(c).version, door=door)
        for c in dict.fromkeys(data.get(CONSENTS) or [])
    ]
    return customer


def address_given_data(data):
    return any((data.get(part) or "").strip() for part in ADDRESS_PARTS)


def find(tenant, customer_id):
    logs.note(tenant.slug)
    try:
        customer_id = str(uuid.UUID(customer_id))
    except ValueError:
        return None  # not an id this service gives out (and some databases refuse, like NUL)
    query = select(Customer).where(Customer.tenant == tenant.slug, Customer.id == customer_id)
    return db.session.execute(query).scalar_one_or_none()

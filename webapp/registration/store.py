"""Storing a customer: one transaction that holds the customer, its consents and its outbox
messages, or nothing."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from webapp import outbox
from webapp.console import rollups
from webapp.extensions import db
from webapp.faults import FaultError
from webapp.forms.address import PARTS as ADDRESS_PARTS
from webapp.forms.profile import ATTRIBUTE_PREFIX
from webapp.forms.rules import email_key, username_key
from webapp.http import logs
from webapp.models import ConsentEvent, ConsentRecord, Customer
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
    # Called with the stored customer (detached, loaded) inside its transaction: what the door
    # records with it commits, or fails, together with it (the wizard's draft).
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
    records = _consent_records(tenant, data, door)
    # First in the transaction: on SQLite the counter's write lock is then taken before any read.
    customer.tenant_number = numbers.next_number(tenant.slug)
    account = None
    if tenant.loyalty:
        account = loyalty.assign(tenant, customer, options.loyalty_linking, options.stored_value)
    stored.prepare(tenant, customer, records, options.email_verified_at)
    try:
        # The messages the registration queues are written together, in one statement.
        with outbox.batched():
            _store_customer(customer)  # the database's unique constraints decide races
            if account is not None:
                loyalty.link(account, customer)
            _store_consents(customer, records)
            stored.announce(tenant, customer)
            send = tenant.send_account_email if options.send_email is None else options.send_email
            outbox.customer_created(tenant, customer, send_email=send)
            if options.before_commit is not None:
                options.before_commit(customer)
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
    return customer


def _consent_records(tenant, data, door):
    """The consent records of a new customer: kept off it until stored (`_store_consents`), so
    that the session's unit of work does not write them a row at a time."""
    return [
        ConsentRecord(consent_id=c, version=tenant.consent(c).version, door=door)
        for c in dict.fromkeys(data.get(CONSENTS) or [])
    ]


RECORDS, EVENTS = ConsentRecord.__table__, ConsentEvent.__table__


def _values(row_object, table):
    """What a new object sets of its table's columns (the rest take their defaults)."""
    given = row_object.__dict__
    return {c.key: given[c.key] for c in table.columns if c.key in given}


@cache
def _inserting(table):
    # Given the rows as parameters, the statement is built and compiled once: SQLAlchemy sends
    # them in one INSERT (its "insertmanyvalues") on SQLite and PostgreSQL alike.
    return insert(table).returning(*table.columns)


def _insert(connection, table, rows, key):
    """Insert `rows` with one statement: the stored rows (every column, defaults applied) by
    their `key` column, which must tell them apart."""
    stored = connection.execute(_inserting(table), rows).mappings()
    by_key = {row[key]: row for row in stored}
    assert len(by_key) == len(rows)
    return by_key


def _as_stored(row_object, row):
    """Leave a transient object as a flush and an expunge would: detached, its row loaded (what
    it did not set taken from the stored `row`), so that the door reads what was stored without
    loading it again, which a commit would otherwise make it do."""
    given = row_object.__dict__
    for name, value in row.items():
        if name not in given:
            set_committed_value(row_object, name, value)
    make_transient_to_detached(row_object)


CUSTOMERS = Customer.__table__


def _store_customer(customer):
    """Insert the customer with one Core INSERT (RETURNING the row: its number, id, creation time
    and the defaults), count it in the console's rollups, and leave it detached and loaded."""
    connection = db.session.connection()
    row = connection.execute(_inserting(CUSTOMERS), _values(customer, CUSTOMERS)).mappings()
    _as_stored(customer, row.one())
    rollups.registered(connection, customer)


def _store_consents(customer, records):
    """Write the stored customer's consent records, then their evidence, with one Core INSERT
    each (RETURNING the rows), and give them to the customer as stored: one statement per table
    rather than the unit of work's one per row."""
    if records:
        connection = db.session.connection()
        number = customer.number
        # A customer holds each consent once (_consent_records): its id tells the rows apart.
        stored = _insert(
            connection,
            RECORDS,
            [{**_values(r, RECORDS), "customer_number": number} for r in records],
            "consent_id",
        )
        for record in records:
            record.id = stored[record.consent_id]["id"]
        # One event each (opt_in.prepare): the record's id tells the rows apart.
        events = [event for record in records for event in record.events]
        stored_events = _insert(
            connection,
            EVENTS,
            [{**_values(e, EVENTS), "record_id": e.record.id} for e in events],
            "record_id",
        )
        for event in events:
            _as_stored(event, stored_events[event.record.id])
        for record in records:
            _as_stored(record, stored[record.consent_id])
            set_committed_value(record, "customer", customer)
    set_committed_value(customer, "consents", records)


def address_given_data(data):
    return any((data.get(part) or "").strip() for part in ADDRESS_PARTS)


UUID_FORM = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")


def find(tenant, customer_id):
    logs.note(tenant.slug)
    # An id as this service writes it, in any case; uuid.UUID alone would also read braces,
    # "urn:uuid:" and the hex without hyphens (and some databases refuse others, like NUL).
    if not UUID_FORM.fullmatch(customer_id):
        return None
    customer_id = customer_id.lower()
    query = select(Customer).where(Customer.tenant == tenant.slug, Customer.id == customer_id)
    return db.session.execute(query).scalar_one_or_none()

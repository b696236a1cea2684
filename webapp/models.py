"""Tables. Schema changes go through migrations/ (`flask --app webapp db migrate`)."""

import uuid
from datetime import UTC, datetime
from typing import Annotated

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db


def utcnow():
    return datetime.now(UTC).replace(tzinfo=None)


def new_uuid():
    return str(uuid.uuid4())


# Columns that many tables have alike, declared once (SQLAlchemy merges a mapped_column() given
# beside one, as in `tenant: Mapped[TenantSlug] = mapped_column(index=True)`).
IntPk = Annotated[int, mapped_column(primary_key=True)]
TenantSlug = Annotated[str, mapped_column(String(64))]  # a tenant's slug (tenants.SLUG)
DoorName = Annotated[str, mapped_column(String(16))]  # the door a row came through
CreatedAt = Annotated[datetime, mapped_column(default=utcnow)]


class Customer(db.Model):
    __tablename__ = "customer"
    __table_args__ = (
        # The database has the last word on uniqueness: two racing registrations cannot both win.
        UniqueConstraint("tenant", "username_key", name="uq_customer_tenant_username"),
        UniqueConstraint("tenant", "email_unique_key", name="uq_customer_tenant_email"),
        UniqueConstraint("tenant", "external_id", name="uq_customer_tenant_external_id"),
        UniqueConstraint("tenant", "tenant_number", name="uq_customer_tenant_number"),
        # The console's searches: by email where the tenant does not keep emails unique, and a
        # tenant's newest customers first.
        Index("ix_customer_tenant_email", "tenant", "email"),
        Index("ix_customer_tenant_number", "tenant", "number"),
    )

    number: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)  # the row's own
    # The customerNumber the customer is shown: counted per tenant (registration/numbers.py).
    tenant_number: Mapped[int] = mapped_column()
    id: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    tenant: Mapped[TenantSlug] = mapped_column(index=True)
    external_id: Mapped[str | None] = mapped_column(String(200))
    username: Mapped[str] = mapped_column(String(200))
    # NFKC (at most 200 characters), case-folded: case folding may triple a character's length.
    username_key: Mapped[str] = mapped_column(String(600))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str] = mapped_column(String(200))
    # Lower-cased email where the tenant keeps emails unique, else NULL (which never collides);
    # lower case may double a character's length ("İ").
    email_unique_key: Mapped[str | None] = mapped_column(String(400))
    title: Mapped[str | None] = mapped_column(String(20))
    forename: Mapped[str | None] = mapped_column(String(50))
    surname: Mapped[str | None] = mapped_column(String(50))
    date_of_birth: Mapped[str | None] = mapped_column(String(10))
    phone: Mapped[str | None] = mapped_column(String(20))
    mobile: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[dict | None] = mapped_column(JSON)
    custom_attributes: Mapped[list] = mapped_column(JSON, default=list)
    display_name: Mapped[str | None] = mapped_column(String(100))
    customer_type: Mapped[str] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3))
    gender: Mapped[str | None] = mapped_column(String(20))
    nationality: Mapped[str | None] = mapped_column(String(2))
    contact_methods: Mapped[list] = mapped_column(JSON, default=list)
    user_id: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16))
    door: Mapped[DoorName]
    language: Mapped[str | None] = mapped_column(String(16))
    security_question: Mapped[str | None] = mapped_column(String(200))
    security_answer_hash: Mapped[str | None] = mapped_column(String(255))
    loyalty_card_number: Mapped[str | None] = mapped_column(String(32))
    stored_value_card_number: Mapped[str | None] = mapped_column(String(32))
    # What a dialect carries that the canonical customer has no field for (the web-store API's tax
    # data...).
    extra: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[CreatedAt]
    # When the customer proved the address is theirs (contract section 12); NULL: not yet.
    email_verified_at: Mapped[datetime | None] = mapped_column()
    erased_at: Mapped[datetime | None] = mapped_column()  # see registration/erasure.py

    consents: Mapped[list["ConsentRecord"]] = relationship(
        back_populates="customer",
        cascade="all, delete-orphan",
        order_by="ConsentRecord.id",
        lazy="selectin",
    )


class CustomerCounter(db.Model):
    """The last customerNumber each tenant has given."""

    __tablename__ = "customer_counter"

    tenant: Mapped[TenantSlug] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column()


class ConsentRecord(db.Model):
    __tablename__ = "consent_record"

    id: Mapped[IntPk]
    customer_number: Mapped[int] = mapped_column(
        ForeignKey("customer.number", ondelete="CASCADE"), index=True
    )
    consent_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(64))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    door: Mapped[DoorName]
    # "confirmed" or, for a double opt-in until its link is followed, "pending"; "withdrawn".
    # "expired" is never stored: a pending record reads so once its time is up.
    status: Mapped[str] = mapped_column(String(16), default="confirmed")
    confirmed_at: Mapped[datetime | None] = mapped_column()
    withdrawn_at: Mapped[datetime | None] = mapped_column()

    customer: Mapped[Customer] = relationship(back_populates="consents")
    events: Mapped[list["ConsentEvent"]] = relationship(
        back_populates="record", cascade="all, delete-orphan", order_by="ConsentEvent.id"
    )


class ConsentEvent(db.Model):
    """The evidence of one change of a consent: when, through which door, which text, and keyed
    hashes of the client's address and user agent (never the address itself)."""

    __tablename__ = "consent_event"

    id: Mapped[IntPk]
    record_id: Mapped[int] = mapped_column(
        ForeignKey("consent_record.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16))  # what the record became
    at: Mapped[datetime] = mapped_column(default=utcnow)
    door: Mapped[DoorName]
    version: Mapped[str] = mapped_column(String(64))
    client_hash: Mapped[str | None] = mapped_column(String(64))
    agent_hash: Mapped[str | None] = mapped_column(String(64))

    record: Mapped[ConsentRecord] = relationship(back_populates="events")


class ApiKey(db.Model):
    __tablename__ = "api_key"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant: Mapped[TenantSlug]
    # SHA-256 of the secret: the secret is long and random, so a fast hash is enough for Bearer.
    secret_sha256: Mapped[str] = mapped_column(String(64))
    # The secret encrypted with a key derived from SECRET_KEY, for checking HMAC signatures.
    secret_encrypted: Mapped[str] = mapped_column(Text)
    created_at: Mapped[CreatedAt]
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()


class IdempotencyRecord(db.Model):
    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("scope", "key", name="uq_idempotency_scope_key"),)

    id: Mapped[IntPk]
    scope: Mapped[str] = mapped_column(String(128))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int | None] = mapped_column()  # NULL while the first request is in flight
    response: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[CreatedAt] = mapped_column(index=True)


class Draft(db.Model):
    """A half-finished wizard registration. The password is only ever kept hashed."""

    __tablename__ = "draft"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    tenant: Mapped[TenantSlug]
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    customer_id: Mapped[str | None] = mapped_column(String(36))  # set once registration completes
    created_at: Mapped[CreatedAt]
    expires_at: Mapped[datetime] = mapped_column(index=True)
    # When the first step was drawn (the pace rule), and why the draft is a bot's, if it is.
    started_at: Mapped[datetime | None] = mapped_column()
    trapped: Mapped[str | None] = mapped_column(String(16))


class VerificationCode(db.Model):
    """A code mailed to prove a wizard draft's email address (contract section 12), kept only as
    a keyed hash. A row without a hash stands for a notice mailed instead (the address was
    taken): no code can continue that draft."""

    __tablename__ = "verification_code"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    draft_id: Mapped[str] = mapped_column(ForeignKey("draft.id", ondelete="CASCADE"), index=True)
    email_key: Mapped[str] = mapped_column(String(400))
    code_hash: Mapped[str | None] = mapped_column(String(64))
    wrong_tries: Mapped[int] = mapped_column(default=0)
    resent: Mapped[bool] = mapped_column(default=False)  # made by "Send a new code"
    spent: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[CreatedAt]
    expires_at: Mapped[datetime] = mapped_column()
    verified_at: Mapped[datetime | None] = mapped_column()


class OutboxMessage(db.Model):
    """Something a registration promised to tell others: written with the customer, sent later."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # "email" or "webhook"
    tenant: Mapped[TenantSlug]
    payload: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending, sent, failed
    # Whom the message is about (see outbox/enqueue.py): the console lists it, erasure finds it.
    customer_id: Mapped[str | None] = mapped_column(String(36), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set while a worker holds the message (outbox/worker.py): "retry now" leaves it alone then.
    leased_until: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[CreatedAt]
    sent_at: Mapped[datetime | None] = mapped_column()


class LoyaltyAccount(db.Model):
    """A loyalty account imported by the operator, found by email when a customer registers."""

    __tablename__ = "loyalty_account"
    __table_args__ = (UniqueConstraint("tenant", "card_number", name="uq_loyalty_tenant_card"),)

    id: Mapped[IntPk]
    tenant: Mapped[TenantSlug]
    email_key: Mapped[str] = mapped_column(String(200), index=True)
    card_number: Mapped[str] = mapped_column(String(32))
    customer_number: Mapped[int | None] = mapped_column(ForeignKey("customer.number"))

    customer: Mapped[Customer | None] = relationship()


class UsedSignature(db.Model):
    """An HMAC signature already presented, kept while its timestamp is within the window, so
    that a replayed request is refused by every worker and machine."""

    __tablename__ = "used_signature"

    signature: Mapped[str] = mapped_column(String(64), primary_key=True)  # lower-case hex
    expires_at: Mapped[datetime] = mapped_column(index=True)


class BlockedAttempt(db.Model):
    """A registration stopped by the honeypot or the pace rule: counted, with no personal data."""

    __tablename__ = "blocked_attempt"

    id: Mapped[IntPk]
    tenant: Mapped[TenantSlug]
    door: Mapped[DoorName]
    reason: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[CreatedAt] = mapped_column(index=True)


class SpentChallenge(db.Model):
    """A one-time token already used, kept until it expires so no worker accepts it again: a
    proof-of-work challenge (its signature), or a first step's pace stamp ("rendered:" and its
    nonce; webapp/trust/spent.py)."""

    __tablename__ = "spent_challenge"

    signature: Mapped[str] = mapped_column(String(128), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)

"""The console's tables: operators, their audit log, and the counts the overview reads.

The overview never counts customers or step events row by row: `daily_registrations` and
`daily_funnel` hold a tenant's figures per day and door, kept up to date as rows arrive
(rollups.py), so the page costs the same for a tenant with a thousand customers or a million.
"""

from datetime import date, datetime

from sqlalchemy import JSON, Date, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db
from webapp.models import CreatedAt, DoorName, IntPk, TenantSlug, utcnow


class Operator(db.Model):
    __tablename__ = "operator"

    id: Mapped[IntPk]
    email: Mapped[str] = mapped_column(String(200), unique=True)  # lower case
    tenants: Mapped[list | None] = mapped_column(JSON)  # slugs; NULL: every tenant
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # The TOTP secret, encrypted with a key derived from SECRET_KEY.
    totp_secret: Mapped[str] = mapped_column(Text)
    # The last TOTP time step accepted: a code is good once (RFC 6238, section 5.2).
    totp_last_step: Mapped[int] = mapped_column(default=0)
    # SHA-256 of the one-time setup link's token, until the operator has enrolled.
    setup_token_sha256: Mapped[str | None] = mapped_column(String(64), unique=True)
    setup_expires_at: Mapped[datetime | None] = mapped_column()
    enrolled_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[CreatedAt]
    # Counts the operator's sign-outs: a session holds the count it began with, so that signing
    # out ends every session of the operator, a copied cookie's too.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")


class AuditEntry(db.Model):
    """One thing an operator did. Rows are only ever added (see audit.py)."""

    __tablename__ = "operator_audit"
    __table_args__ = (Index("ix_operator_audit_tenant_at", "tenant", "at"),)

    id: Mapped[IntPk]
    at: Mapped[datetime] = mapped_column(default=utcnow)
    operator: Mapped[str] = mapped_column(String(200))  # the operator's email, or "cli"
    action: Mapped[str] = mapped_column(String(64))
    tenant: Mapped[str | None] = mapped_column(String(64))
    customer_id: Mapped[str | None] = mapped_column(String(36), index=True)
    detail: Mapped[str | None] = mapped_column(String(200))


class StepEvent(db.Model):
    """A wizard step a draft got past: no answer, no address, no draft token. `draft` is a keyed
    hash of the draft's id."""

    __tablename__ = "wizard_step_event"
    __table_args__ = (UniqueConstraint("draft", "step", name="uq_wizard_step_event_draft_step"),)

    id: Mapped[IntPk]
    tenant: Mapped[TenantSlug]
    door: Mapped[DoorName]
    step: Mapped[str] = mapped_column(String(16))
    event: Mapped[str] = mapped_column(String(16))  # "saved" (a step) or "created" ("done")
    day: Mapped[date] = mapped_column(Date)
    draft: Mapped[str] = mapped_column(String(32))


class DailyRegistrations(db.Model):
    __tablename__ = "daily_registrations"

    tenant: Mapped[TenantSlug] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    door: Mapped[DoorName] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


class DailyFunnel(db.Model):
    __tablename__ = "daily_funnel"

    tenant: Mapped[TenantSlug] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    door: Mapped[DoorName] = mapped_column(primary_key=True)
    step: Mapped[str] = mapped_column(String(16), primary_key=True)
    drafts: Mapped[int] = mapped_column(default=0)

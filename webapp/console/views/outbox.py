"""The outbox of the operator's tenants: pending and failed messages by kind, and retry now."""

from flask import abort, g, redirect, request, url_for
from sqlalchemy import func, select

from webapp.console import audit, session
from webapp.console.blueprint import bp, render
from webapp.extensions import db
from webapp.models import OutboxMessage, utcnow
from webapp.outbox.worker import retry_now

SHOWN = 100
WAITING = ("pending", "failed")


@bp.get("/outbox")
def outbox():
    tenants = session.slugs()
    waiting = (OutboxMessage.tenant.in_(tenants)) & OutboxMessage.status.in_(WAITING)
    totals = db.session.execute(
        select(OutboxMessage.tenant, OutboxMessage.kind, OutboxMessage.status, func.count())
        .where(waiting)
        .group_by(OutboxMessage.tenant, OutboxMessage.kind, OutboxMessage.status)
        .order_by(OutboxMessage.tenant, OutboxMessage.kind, OutboxMessage.status)
    ).all()
    messages = db.session.scalars(
        select(OutboxMessage)
        .where(waiting)
        .order_by(OutboxMessage.status, OutboxMessage.next_attempt_at)
        .limit(SHOWN)
    ).all()
    return render(
        "console/outbox.html",
        totals=totals,
        messages=messages,
        shown_limit=SHOWN,
        in_flight=_held(request.args.get("in_flight", "")[:40], tenants),
    )


def _held(message_id, tenants):
    """The id, if it names a message of the operator's tenants that a worker holds now: the page
    says so of no other (a link made up to tell an operator something untrue)."""
    message = db.session.get(OutboxMessage, message_id) if message_id else None
    held = (
        message is not None
        and message.tenant in tenants
        and message.leased_until is not None
        and message.leased_until > utcnow()
    )
    return message_id if held else None


@bp.post("/outbox/<message_id>/retry")
def retry(message_id):
    message = db.session.get(OutboxMessage, message_id[:40])
    # Only what the page offers: a message delivered already is not sent again from here.
    if message is None or message.tenant not in session.slugs() or message.status not in WAITING:
        abort(404)
    in_flight = retry_now(message.id) == "in flight"
    audit.write(
        g.operator.email,
        "asked to retry an outbox message being sent" if in_flight else "retried outbox message",
        message.tenant,
        message.customer_id,
        detail=message.id,
    )
    db.session.commit()
    return redirect(
        url_for("console.outbox", **({"in_flight": message.id} if in_flight else {})), 303
    )

"""The wizard's funnel: which steps drafts reach, recorded without personal data.

A step event holds the tenant, door, step, day and a pseudonym of the draft (a keyed hash of its
id, which cannot be joined to the draft's answers). Each draft counts once per step however often
it saves that step again.
"""

import hashlib
import hmac
import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from webapp import metrics
from webapp.console.models import DailyFunnel, StepEvent
from webapp.console.rollups import add_one, insert_once
from webapp.extensions import db
from webapp.forms import STEPS
from webapp.models import utcnow
from webapp.trust import verification

log = logging.getLogger(__name__)
FUNNEL = (*STEPS, "done")  # each step's answers saved, then "done": the customer created
VERIFIED = "verify"  # the emailed code accepted: a step of its own where the tenant asks for one


def steps_of(tenant):
    """The funnel's steps for `tenant`, in the wizard's order."""
    if verification.applies(tenant):
        return (FUNNEL[0], VERIFIED, *FUNNEL[1:])
    return FUNNEL


def _pseudonym(draft_id):
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"funnel:" + draft_id.encode(), hashlib.sha256).hexdigest()[:32]


def record(visit, step):
    """A draft got past `step` (its answers saved; "verify": its code accepted; "done": the
    customer created). Reading a page writes nothing: only the wizard's own posts (and the
    mailed code's link), which write anyway, count."""
    day = utcnow().date()
    try:
        with db.engine.begin() as connection:
            if insert_once(
                connection,
                StepEvent,
                tenant=visit.tenant.slug,
                door=visit.door,
                step=step,
                event="created" if step == "done" else "saved",
                day=day,
                draft=_pseudonym(visit.draft.id),
            ):
                add_one(
                    connection,
                    DailyFunnel,
                    "drafts",
                    tenant=visit.tenant.slug,
                    day=day,
                    door=visit.door,
                    step=step,
                )
                metrics.STEP_EVENTS.labels(visit.tenant.slug, step).inc()
    except Exception:  # a count lost is better than a registration refused
        log.exception("step event not recorded")


def funnel(tenant, days=30):
    """[(step, drafts past it, drop-off % from the step before or None)] over `days` days."""
    since = utcnow().date() - timedelta(days=days - 1)
    rows = db.session.execute(
        select(DailyFunnel.step, func.sum(DailyFunnel.drafts))
        .where(DailyFunnel.tenant == tenant.slug, DailyFunnel.day >= since)
        .group_by(DailyFunnel.step)
    ).all()
    counts = {step: int(total) for step, total in rows}
    result, before = [], None
    for step in steps_of(tenant):
        reached = counts.get(step, 0)
        drop = round(100 * (before - reached) / before, 1) if before else None
        result.append((step, reached, drop))
        before = reached
    return result

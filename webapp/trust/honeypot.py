"""The wizard's honeypot and pace (contract section 13): a field no person fills, and the signed
time each step was drawn.

Every step's form carries both. A bot that fills the field, or that runs from the first step's
drawing to "Create account" faster than MIN_WIZARD_SECONDS, is let through to the ordinary
completion page (the same redirect to the same URL), but no customer is stored; the attempt is
logged and counted (table `blocked_attempt`), and its draft keeps nothing but that it was stopped.
"""

import logging
import secrets
from datetime import datetime, timedelta
from functools import lru_cache

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import delete

from webapp.extensions import db
from webapp.models import BlockedAttempt, VerificationCode, utcnow
from webapp.trust import spent

# A name that browsers' autofill and password managers recognise as nothing of theirs, and a bot
# takes for a field to fill. The page also carries the managers' own "ignore" attributes.
TRAP = "comments"
RENDERED = "rendered"  # the signed time the step's page was drawn
HONEYPOT, TOO_FAST = "honeypot", "too_fast"
STOPPED = "stopped"  # a draft's `trapped` once its "Create account" was refused as a bot's
LIFETIME = timedelta(hours=24)  # a stamp counts as long as a draft lives
log = logging.getLogger(__name__)


def _serializer():
    return _serializer_for(current_app.config["SECRET_KEY"])


@lru_cache(maxsize=4)
def _serializer_for(secret_key):
    """Built once per key: a serializer holds nothing of a request."""
    return URLSafeSerializer(secret_key, salt="wizard-rendered")


def stamp() -> str:
    """This moment (to the millisecond, naive UTC) and a nonce, signed, for the page being drawn:
    the nonce lets the draft that starts from it spend it (`started_at`)."""
    return _serializer().dumps(
        [utcnow().isoformat(timespec="milliseconds"), secrets.token_urlsafe(12)]
    )


def _posted(form):
    """The posted stamp's (time, nonce), if it is genuine and younger than a draft lives."""
    posted = form.get(RENDERED, "")
    if not posted:  # nothing to read (a page's GET): no signature to check
        return None
    try:
        at, nonce = _serializer().loads(posted)
        when = datetime.fromisoformat(at)
    except (BadData, TypeError, ValueError):
        return None
    if not isinstance(nonce, str) or when.tzinfo is not None or utcnow() - when >= LIFETIME:
        return None
    return when, nonce


def carried(form) -> str:
    """The stamp for a page: the posted one when a failed post draws its step again (the pace
    counts from the first drawing), else a new one."""
    return form.get(RENDERED) if _posted(form) else stamp()


def started_at(form) -> datetime:
    """When a new draft's wizard was first drawn (naive UTC): the posted stamp's time, spent so
    that no other draft counts from it; now when the stamp is missing, forged, older than a draft
    lives or spent already (which only makes a bot look faster: one page's stamp, harvested, would
    otherwise let any number of fast runs through)."""
    now, posted = utcnow(), _posted(form)
    if posted is None or not spent.once("rendered:" + posted[1], posted[0] + LIFETIME):
        return now
    return min(posted[0], now)


def filled(form) -> bool:
    return bool(form.get(TRAP, "").strip())


def too_fast(started_at: datetime) -> bool:
    """True if the wizard ran from its first drawing to now in less than MIN_WIZARD_SECONDS."""
    seconds = current_app.config["MIN_WIZARD_SECONDS"]
    return utcnow() - started_at < timedelta(seconds=seconds)


def watch(draft, form) -> None:
    """On a step's post: note when the wizard was first drawn, and whether the trap was
    filled (the caller commits)."""
    if draft.started_at is None:
        draft.started_at = started_at(form)
    if filled(form):
        draft.trapped = HONEYPOT


def stopped(draft, form, door) -> str | None:
    """On "Create account": the reason (HONEYPOT, TOO_FAST) if this is a bot's attempt, which is
    then logged and recorded; no customer is stored, and the draft forgets its answers and codes
    but stays, so that its completion page can be shown as a person's would be."""
    reason = (
        draft.trapped
        or (HONEYPOT if filled(form) else None)
        or (TOO_FAST if too_fast(draft.started_at or draft.created_at) else None)
    )
    if reason is None:
        return None
    log.warning("registration blocked", extra={"fields": {"reason": reason}})
    db.session.add(BlockedAttempt(tenant=draft.tenant, door=door, reason=reason))
    db.session.execute(delete(VerificationCode).where(VerificationCode.draft_id == draft.id))
    draft.answers, draft.password_hash, draft.trapped = {}, None, STOPPED
    db.session.commit()
    return reason


def ended(draft) -> bool:
    """True for a draft whose "Create account" was refused as a bot's (`stopped`)."""
    return draft.trapped == STOPPED

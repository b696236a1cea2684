"""Half-finished wizard registrations, kept on the server for 24 hours (contract section 5).

A draft is named by a signed token that the wizard carries in its links and forms, so that no step
depends on a cookie. It holds the answers of the steps that passed (a dict of field name to list of
values) and the password only as a hash. Once the customer is stored, the answers are wiped and
only the customer's id is kept, for the completion page.
"""

from datetime import timedelta
from functools import lru_cache

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import delete, select

from webapp.extensions import db
from webapp.models import Draft, VerificationCode, new_uuid, utcnow

LIFETIME = timedelta(hours=24)


def _serializer():
    return _serializer_for(current_app.config["SECRET_KEY"])


@lru_cache(maxsize=4)
def _serializer_for(secret_key):
    return URLSafeSerializer(secret_key, salt="wizard-draft")


def token(draft: Draft) -> str:
    return _serializer().dumps(draft.id)


def draft_id(token: str | None) -> str | None:
    """The id a token names, if the token is genuine; the draft itself may be gone."""
    if not token:
        return None
    try:
        named = _serializer().loads(token)
    except BadData:
        return None
    return named if isinstance(named, str) else None


def find(named: str | None, tenant_slug: str) -> Draft | None:
    """The live draft of the id a genuine token names (`draft_id`), or None (unknown, expired or
    another tenant's)."""
    draft = db.session.get(Draft, named) if named else None
    if draft is None or draft.tenant != tenant_slug or draft.expires_at <= utcnow():
        return None
    return draft


def expired(named: str | None, tenant_slug: str) -> bool:
    """True where the id a genuine token names is of a draft of the tenant's that has expired,
    or of one gone altogether (expired drafts are deleted within the hour)."""
    if not named:
        return False
    draft = db.session.get(Draft, named)
    if draft is None:
        return True
    return draft.tenant == tenant_slug and draft.expires_at <= utcnow() and not draft.customer_id


def start(tenant_slug: str) -> Draft:
    """A new, empty draft (stored with the first answers that `save` commits)."""
    now = utcnow()
    draft = Draft(
        id=new_uuid(), tenant=tenant_slug, answers={}, created_at=now, expires_at=now + LIFETIME
    )
    db.session.add(draft)
    return draft


def save(draft: Draft, answers: dict, password_hash: str | None = None) -> None:
    """Keep a passed step's answers (replacing that step's earlier ones)."""
    draft.answers = {**draft.answers, **answers}  # a new dict, so the JSON column is rewritten
    if password_hash:
        draft.password_hash = password_hash
    db.session.commit()


def complete(draft: Draft, customer_id: str) -> None:
    """The customer is being stored: forget the answers and the hash, remember whom they became.
    Committed with the customer, in the registration's transaction."""
    draft.customer_id = customer_id
    draft.answers = {}
    draft.password_hash = None


def completed_meanwhile(draft: Draft) -> bool:
    """True if another request has completed the draft since this one read it."""
    db.session.refresh(draft)
    return draft.customer_id is not None


def purge_expired() -> int:
    """Delete every expired draft, and its verification codes; return how many drafts went."""
    now = utcnow()
    expired = select(Draft.id).where(Draft.expires_at <= now)
    db.session.execute(delete(VerificationCode).where(VerificationCode.draft_id.in_(expired)))
    result = db.session.execute(delete(Draft).where(Draft.expires_at <= now))
    db.session.commit()
    return result.rowcount

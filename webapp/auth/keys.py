"""Managing API keys (contract section 14): list a tenant's keys, revoke one, note its last use.

A revoked key is refused wherever credentials are checked (credentials.py), as an unknown one.
"""

from datetime import timedelta

from sqlalchemy import select, update

from webapp.extensions import db
from webapp.models import ApiKey, utcnow

# Last use is written at most this often per key: a busy key costs no write per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def of_tenant(tenant_slug):
    return db.session.scalars(
        select(ApiKey)
        .where(ApiKey.tenant == tenant_slug)
        .order_by(ApiKey.created_at.desc(), ApiKey.id)
    ).all()


def revoke(key_id, tenant_slug=None):
    """Revoke a key (of `tenant_slug`, when given): (the key, or None if there is none such;
    whether it was revoked now rather than before)."""
    key = db.session.get(ApiKey, key_id) if key_id else None
    if key is None or (tenant_slug is not None and key.tenant != tenant_slug):
        return None, False
    if key.revoked_at is not None:
        return key, False
    key.revoked_at = utcnow()
    return key, True


def note_use(key):
    now = utcnow()
    if key.last_used_at is not None and now - key.last_used_at < LAST_USED_RESOLUTION:
        return
    # Its own short transaction: the request's session may hold work of its own.
    with db.engine.begin() as connection:
        connection.execute(update(ApiKey).where(ApiKey.id == key.id).values(last_used_at=now))

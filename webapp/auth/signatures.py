"""HMAC signatures are good once (docs/production.md): each is remembered in the database, which
every worker and machine shares, until its timestamp leaves the 300 s window; a second use is
401 91005, whatever the method."""

from datetime import UTC, datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from webapp.extensions import db
from webapp.faults import fault
from webapp.models import UsedSignature, utcnow


def spend(signature: str, valid_until: int) -> None:
    """Record `signature` as used until `valid_until` (Unix seconds), or refuse it as a replay."""
    db.session.execute(delete(UsedSignature).where(UsedSignature.expires_at < utcnow()))
    expires = datetime.fromtimestamp(valid_until, UTC).replace(tzinfo=None)
    db.session.add(UsedSignature(signature=signature, expires_at=expires))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise fault(91005) from None

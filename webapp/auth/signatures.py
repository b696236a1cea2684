"""HMAC signatures of requests that create are good once (docs/production.md): each is remembered
in the database, which every worker and machine shares, until its timestamp leaves the 300 s
window; a second use is 401 91005, but for an exact retry of an answered JSON registration with
its Idempotency-Key, which gets the first answer again (`credentials.current_credentials`)."""

from datetime import UTC, datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from webapp.extensions import db
from webapp.models import UsedSignature, utcnow

# Requests whose repeat changes nothing (a second erasure is 410) are not remembered: the
# timestamp has whole seconds, so a client reading a customer twice within one second signs the
# same request twice, as the contract has it.
REPEATABLE = frozenset({"GET", "HEAD", "DELETE", "OPTIONS"})


def spend(signature: str, valid_until: int) -> bool:
    """Record `signature` as used until `valid_until` (Unix seconds); False if it was already."""
    db.session.execute(delete(UsedSignature).where(UsedSignature.expires_at < utcnow()))
    expires = datetime.fromtimestamp(valid_until, UTC).replace(tzinfo=None)
    db.session.add(UsedSignature(signature=signature, expires_at=expires))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True

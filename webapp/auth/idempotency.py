"""Idempotency-Key (contract section 4): the same key and body within 24 hours replays the first
answer (a success, or the faults of the body) and creates nothing; the same key with another body
is 422 91007."""
import hashlib
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from webapp.extensions import db
from webapp.faults import fault
from webapp.models import IdempotencyRecord, utcnow

LIFETIME = timedelta(hours=24)
MAX_KEY_LENGTH = 255


def fingerprint(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def check_key(key):
    if key is not None and not (0 < len(key) <= MAX_KEY_LENGTH):
        raise fault(91000, "Idempotency-Key",
                    f"Idempotency-Key: must be 1 to {MAX_KEY_LENGTH} characters")


def begin(scope: str, key: str, print_: str):
    """Claim the key. Returns (record, None) to go on, or (None, (status, body)) to replay."""
    db.session.execute(delete(IdempotencyRecord).where(
        IdempotencyRecord.scope == scope, IdempotencyRecord.key == key,
        IdempotencyRecord.created_at < utcnow() - LIFETIME))
    record = IdempotencyRecord(scope=scope, key=key, fingerprint=print_)
    db.session.add(record)
    try:
        db.session.commit()
        return record, None
    except IntegrityError:
        db.session.rollback()
    existing = db.session.execute(select(IdempotencyRecord).where(
        IdempotencyRecord.scope == scope, IdempotencyRecord.key == key)).scalar_one_or_none()
    if existing is None:  # the holder gave it up a moment ago; one more try
        return begin(scope, key, print_)
    if existing.fingerprint != print_:
        raise fault(91007)
    if existing.status is None:
        raise fault(91010)
    return None, (existing.status, existing.response)


def finish(record, status: int, response: dict):
    record.status = status
    record.response = response
    db.session.commit()


def abandon(record):
    """A request that failed keeps no claim: the client may try again with the same key."""
    db.session.rollback()
    db.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == record.id))
    db.session.commit()

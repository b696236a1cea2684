"""Idempotency-Key (contract section 4): the same key and body within 24 hours replays the first
answer (a success, or the faults of the body) and creates nothing; the same key with another body
is 422 91007.

A request claims its key before it registers anyone. While the claim is younger than
IDEMPOTENCY_LEASE_SECONDS, a retry is 409 91010; an older claim belongs to a request whose
worker died (killed, or ended by gunicorn's timeout, which skips all clean-up), and the next
request with the same key and body takes it over. The lease must outlast the longest a request
may run (GUNICORN_TIMEOUT).
"""

import hashlib
import json
from contextlib import contextmanager
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from webapp.extensions import db
from webapp.faults import Fault, FaultError, fault
from webapp.forms.rules import unstorable
from webapp.models import IdempotencyRecord, utcnow

LIFETIME = timedelta(hours=24)
MAX_KEY_LENGTH = 255


def fingerprint(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def sent_key(request):
    """The request's `Idempotency-Key`, or None. HTTP hands header values over as Latin-1, one
    character a byte; a client sending UTF-8 means the characters those bytes spell, and the
    contract's 255 counts characters."""
    key = request.headers.get("Idempotency-Key")
    if key is None or key.isascii():
        return key
    try:
        return key.encode("latin-1").decode("utf-8")
    except UnicodeError:  # bytes that are not UTF-8: taken as Latin-1, one character each
        return key


def key_faults(key) -> list[Fault]:
    """The fault of a malformed key, listed with the body's (a request with one claims nothing
    and stores nothing); none for a good key or no key."""
    if key is not None and not (0 < len(key) <= MAX_KEY_LENGTH):
        return [Fault(91000, "Idempotency-Key", f"Must be 1 to {MAX_KEY_LENGTH} characters")]
    if key is not None and unstorable(key):  # NUL, which PostgreSQL cannot store, among them
        return [Fault(91000, "Idempotency-Key", "Must not contain control characters")]
    return []


class Claim:
    """What `claimed` yields: `replay` (status, body) to answer again, or None to go on and
    `answer` once done."""

    def __init__(self, record=None, replay=None):
        self.record, self.replay = record, replay

    def answer(self, status: int, body: dict):
        if self.record is not None:
            _finish(self.record, status, body)
        return status, body


def _print_of(path: str, body: dict) -> str:
    return fingerprint(path.encode(), json.dumps(body, sort_keys=True).encode())


def answered(scope: str, key: str | None, path: str, body: dict) -> bool:
    """Whether this key and body were answered already, so that `claimed` will replay the
    answer (a check of the request itself, such as proof of work, need not be passed again)."""
    if key is None:
        return False
    return (
        db.session.execute(
            select(IdempotencyRecord.id).where(
                IdempotencyRecord.scope == scope,
                IdempotencyRecord.key == key,
                IdempotencyRecord.fingerprint == _print_of(path, body),
                IdempotencyRecord.status.is_not(None),
                IdempotencyRecord.created_at >= utcnow() - LIFETIME,
            )
        ).first()
        is not None
    )


@contextmanager
def claimed(scope: str, key: str | None, path: str, body: dict):
    """Claim `key` for this request (without a key: nothing to claim). A FaultError leaving the
    block is the body's answer, kept for replays; any other error gives the claim up. `key` is
    well formed (`key_faults`), or None."""
    if key is None:
        yield Claim()
        return
    record, replay = _begin(scope, key, _print_of(path, body))
    try:
        yield Claim(record, replay)
    except FaultError as error:
        if record is not None and error.status < 500:
            _finish(record, error.status, error.to_dict())
        elif record is not None:
            _abandon(record)
        raise
    except BaseException:
        if record is not None:
            _abandon(record)
        raise


def _begin(scope: str, key: str, print_: str):
    """Claim the key. Returns (record, None) to go on, or (None, (status, body)) to replay."""
    db.session.execute(
        delete(IdempotencyRecord).where(
            IdempotencyRecord.scope == scope,
            IdempotencyRecord.key == key,
            IdempotencyRecord.created_at < utcnow() - LIFETIME,
        )
    )
    record = IdempotencyRecord(scope=scope, key=key, fingerprint=print_)
    db.session.add(record)
    try:
        db.session.commit()
        return record, None
    except IntegrityError:
        db.session.rollback()
    existing = db.session.execute(
        select(IdempotencyRecord).where(
            IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
        )
    ).scalar_one_or_none()
    if existing is None:  # the holder gave it up a moment ago; one more try
        return _begin(scope, key, print_)
    if existing.fingerprint != print_:
        raise fault(91007)
    if existing.status is None:
        if _take_over(existing):
            return existing, None
        raise fault(91010)
    return None, (existing.status, existing.response)


def _unfinished(record):
    """The conditions of a statement that may touch `record` only while it is the same claim as
    when it was read: no response yet, and not claimed afresh since (its time is the guard)."""
    return (
        IdempotencyRecord.id == record.id,
        IdempotencyRecord.status.is_(None),
        IdempotencyRecord.created_at == record.created_at,
    )


def _take_over(record) -> bool:
    """Claim `record` afresh if its lease has run out; of several requests trying at once, one
    succeeds (the claim's time is the guard)."""
    now = utcnow()
    lease = timedelta(seconds=current_app.config["IDEMPOTENCY_LEASE_SECONDS"])
    taken = (
        db.session.execute(
            update(IdempotencyRecord)
            .where(*_unfinished(record), IdempotencyRecord.created_at < now - lease)
            .values(created_at=now)
        ).rowcount
        == 1
    )
    db.session.commit()
    return taken


def _finish(record, status: int, response: dict):
    # Only while the claim is still this request's (not taken over after its lease).
    db.session.execute(
        update(IdempotencyRecord)
        .where(*_unfinished(record))
        .values(status=status, response=response)
    )
    db.session.commit()


def _abandon(record):
    """A request that failed keeps no claim: the client may try again with the same key."""
    db.session.rollback()
    db.session.execute(
        delete(IdempotencyRecord).where(
            IdempotencyRecord.id == record.id, IdempotencyRecord.created_at == record.created_at
        )
    )
    db.session.commit()

"""One-time tokens of the abuse defence (a proof-of-work challenge, the first step's pace stamp):
each is recorded when first used, in the database every worker and machine shares (table
`spent_challenge`), until it expires."""

from datetime import datetime

from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError

from webapp.extensions import db
from webapp.models import SpentChallenge, utcnow


def once(key: str, expires_at: datetime) -> bool:
    """Record `key` as used until `expires_at` (naive UTC); False if it was already. In a
    transaction of its own, so that the request's session is left as it was."""
    try:
        with db.engine.begin() as connection:
            connection.execute(delete(SpentChallenge).where(SpentChallenge.expires_at < utcnow()))
            connection.execute(insert(SpentChallenge).values(signature=key, expires_at=expires_at))
    except IntegrityError:
        return False
    return True

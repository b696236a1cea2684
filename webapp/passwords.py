"""Password hashing (argon2id) and the password policy (length, zxcvbn score, personal data)."""
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from zxcvbn import zxcvbn

ZXCVBN_MAX = 72  # zxcvbn refuses longer input; the first 72 characters bound the score from below


@lru_cache(maxsize=8)
def _hasher(time_cost, memory_cost, parallelism):
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def hasher() -> PasswordHasher:
    config = current_app.config
    return _hasher(config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"],
                   config["ARGON2_PARALLELISM"])


def hash_secret(secret: str) -> str:
    return hasher().hash(secret)


def verify_secret(hashed: str, secret: str) -> bool:
    try:
        return hasher().verify(hashed, secret)
    except (VerificationError, InvalidHashError):
        return False


def strength(password: str, personal=()):
    """zxcvbn's verdict: (score 0-4, advice for the person)."""
    inputs = [value for value in personal if value]
    result = zxcvbn(password[:ZXCVBN_MAX], user_inputs=inputs)
    feedback = result["feedback"]
    advice = [feedback["warning"]] if feedback.get("warning") else []
    return result["score"], advice + list(feedback.get("suggestions", []))


def contains_personal_data(password: str, username: str | None, email: str | None) -> bool:
    """True if the password contains the username or the email's local part (any case)."""
    lowered = password.casefold()
    parts = [username, email.rpartition("@")[0] if email and "@" in email else None]
    return any(part and part.casefold() in lowered for part in parts)

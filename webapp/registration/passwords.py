"""Password hashing (argon2id) and the password policy (length, zxcvbn score, common passwords,
personal data)."""

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from zxcvbn_rs_py import zxcvbn

from webapp.registration import hash_memory

# The first 72 characters bound the score from below, and bound the estimate's time.
ZXCVBN_MAX = 72
# The most common passwords are refused whatever their score (OWASP ASVS 5.0, 6.2.4: the top
# 3000): the top 3000 of zxcvbn's password frequency list (MIT licence), most common first, one a
# line; compared in lower case.
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")
NAME_PART_MIN = 3  # shorter parts of a name ("Al", "Li") are too common inside words to refuse
# Likewise a username or an email's local part shorter than this ("a@example.com") is not looked
# for inside the password: nearly every password holds one or two letters of it.
ACCOUNT_PART_MIN = 3


@lru_cache(maxsize=8)
def _hasher(time_cost, memory_cost, parallelism):
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def hasher() -> PasswordHasher:
    config = current_app.config
    return _hasher(
        config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"], config["ARGON2_PARALLELISM"]
    )


def hash_secret(secret: str) -> str:
    try:
        return hasher().hash(secret)
    finally:
        hash_memory.hashed()


def verify_secret(hashed: str, secret: str) -> bool:
    try:
        return hasher().verify(hashed, secret)
    except (VerificationError, InvalidHashError):
        return False
    finally:
        hash_memory.hashed()


def _encodable(text: str) -> str:
    # The estimator takes UTF-8 only: a lone surrogate (the JSON escape \ud800 in a field that is
    # refused anyway) would raise; it becomes "?" here.
    return text.encode("utf-8", "replace").decode("utf-8")


def strength(password: str, personal=()):
    """zxcvbn's verdict: (score 0-4, advice for the person, in English: webapp.i18n lists it)."""
    inputs = [_encodable(value) for value in personal if value]
    result = zxcvbn(_encodable(password[:ZXCVBN_MAX]), inputs)
    feedback = result.feedback  # None for scores of 3 and 4
    if feedback is None:
        return int(result.score), []
    advice = [feedback.warning] if feedback.warning is not None else []
    return int(result.score), [str(tip) for tip in advice + feedback.suggestions]


def _folded(text: str) -> str:
    # NFKC as usernames are judged, so that a full-width "ＡＤＡ" is found as "ada" too.
    return unicodedata.normalize("NFKC", text).casefold()


def contains_personal_data(password: str, username: str | None, email: str | None) -> bool:
    """True if the password contains the username or the email's local part (any case), where
    that is at least ACCOUNT_PART_MIN characters long."""
    folded = _folded(password)
    parts = [username, email.rpartition("@")[0] if email and "@" in email else None]
    return any(
        part and len(_folded(part)) >= ACCOUNT_PART_MIN and _folded(part) in folded
        for part in parts
    )


@lru_cache(maxsize=1)
def _common():
    return frozenset(COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines())


def is_common(password: str) -> bool:
    return password.lower() in _common()


def personal_words(names=(), born=None) -> list[str]:
    """The person's own data as a password might hold it: each word of their names, in lower
    case, and their date of birth (a `date`) written the usual ways without separators."""
    words = [
        word
        for name in names
        if name
        for word in re.split(r"[\W_]+", name.casefold())
        if len(word) >= NAME_PART_MIN
    ]
    if born:
        year, month, day = f"{born.year:04d}", f"{born.month:02d}", f"{born.day:02d}"
        words += [
            year + month + day,
            day + month + year,
            month + day + year,
            year[2:] + month + day,
            day + month + year[2:],
            month + day + year[2:],
            year,
            day + month,
            month + day,
        ]
    return words


def built_from(password: str, words, min_length: int) -> bool:
    """True if the password holds some of `words` and, with them taken out, fewer than
    `min_length` letters and digits remain: "Ada.Lovelace1990!" for Ada Lovelace, born 1990."""
    rest = "".join(char for char in password.casefold() if char.isalnum())
    found = False
    for word in sorted(set(words), key=len, reverse=True):  # 19900327 before 1990
        if word in rest:
            found, rest = True, rest.replace(word, "")
    return found and len(rest) < min_length


def weakness(password, min_length, min_score, account=(), names=(), born=None):
    """Why the password policy refuses the password, or None: "short", "common", "personal"
    (holding the username or the email's local part, `account`), "built" (from the person's
    `names` and date of birth) or "weak" (below `min_score` for zxcvbn)."""
    words = personal_words(names, born)
    if len(password) < min_length:
        return "short"
    if is_common(password):
        return "common"
    if contains_personal_data(password, *account):
        return "personal"
    if built_from(password, words, min_length):
        return "built"
    score, _ = strength(password, (*account, *words))
    return "weak" if score < min_score else None


def unsafe(password, min_length, min_score, account=(), names=(), born=None) -> bool:
    """The password policy: too short, too common, holding the username or the email's local
    part (`account`), built from the person's `names` and date of birth, or too weak for zxcvbn.
    """
    return weakness(password, min_length, min_score, account, names, born) is not None

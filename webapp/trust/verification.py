"""Proving a wizard draft's email address by code (contract section 12).

Saving the account step of a tenant with `verify_email = "code"` mails a 6-digit code (and a link
that carries it) through the outbox, in the transaction that saves the draft. Only a keyed hash
of the code is stored, salted with its row's id; the code itself travels sealed in the outbox
message and exists in clear only in the mail. A code lives 15 minutes and allows 5 wrong tries;
"Send a new code" makes at most 3 more a draft an hour, each within the recipient's mail budget.
Where the address is already taken (enumeration-safe tenants), the owner is mailed a notice and
the draft gets a code row without a hash: no code can continue it.
"""

import hmac
import secrets
import unicodedata
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from webapp import outbox
from webapp.extensions import db
from webapp.forms.rules import email_key
from webapp.models import Draft, VerificationCode, new_uuid, utcnow
from webapp.trust import enumeration, mail_budget
from webapp.trust.keys import keyed_hash, seal

LIFETIME = timedelta(minutes=15)
TRIES = 5
NEW_CODES_PER_HOUR = 3


def applies(tenant) -> bool:
    return tenant.verify_email == "code"


def _hash(row_id, code):
    return keyed_hash("verification code", f"{row_id}:{code}")


def verified_at(draft, email) -> datetime | None:
    """When the draft proved `email`, or None: a changed email needs a code of its own."""
    if draft is None or not email:
        return None
    return db.session.execute(
        select(func.max(VerificationCode.verified_at)).where(
            VerificationCode.draft_id == draft.id, VerificationCode.email_key == email_key(email)
        )
    ).scalar()


def issue(tenant, draft, email, link_for, language=None, taken=False, resent=False) -> bool:
    """Queue a fresh code for `email` (or the notice, when `taken`), spending the draft's earlier
    codes; the caller commits. False when the recipient's mail budget is spent: nothing queued."""
    if not mail_budget.take(email):
        return False
    now = utcnow()
    db.session.execute(
        update(VerificationCode)
        .where(VerificationCode.draft_id == draft.id, VerificationCode.verified_at.is_(None))
        .values(spent=True)
        .execution_options(synchronize_session=False)
    )
    row = VerificationCode(
        id=new_uuid(),
        draft_id=draft.id,
        email_key=email_key(email),
        resent=resent,
        created_at=now,
        expires_at=now + LIFETIME,
    )
    if taken:
        enumeration.notice(tenant, email, language)
    else:
        code = f"{secrets.randbelow(10**6):06d}"
        row.code_hash = _hash(row.id, code)
        outbox.email(
            tenant,
            "verification_code",
            email,
            language,
            sealed=seal({"code": code, "link": link_for(code)}),
        )
    db.session.add(row)
    return True


def new_codes_left(draft) -> int:
    """How many more "new code" mails the draft may have this hour. The draft's row stays locked
    until the caller commits (an update that changes nothing), so that requests at once count
    one after another rather than each find room for one more."""
    db.session.execute(
        update(Draft)
        .where(Draft.id == draft.id)
        .values(id=Draft.id)
        .execution_options(synchronize_session=False)
    )
    since = utcnow() - timedelta(hours=1)
    made = db.session.execute(
        select(func.count()).where(
            VerificationCode.draft_id == draft.id,
            VerificationCode.resent.is_(True),
            VerificationCode.created_at > since,
        )
    ).scalar()
    return max(0, NEW_CODES_PER_HOUR - made)


def next_new_code_at(draft) -> datetime:
    """When the oldest "new code" of the last hour stops counting."""
    since = utcnow() - timedelta(hours=1)
    oldest = db.session.execute(
        select(func.min(VerificationCode.created_at)).where(
            VerificationCode.draft_id == draft.id,
            VerificationCode.resent.is_(True),
            VerificationCode.created_at > since,
        )
    ).scalar()
    return (oldest or utcnow()) + timedelta(hours=1)


def as_typed(code) -> str | None:
    """The six digits a person typed, in ASCII (spaces, and the digits of any script a keyboard
    writes: full-width, Arabic-Indic, Devanagari... taken as they are meant); None for anything
    else, which is no try of a code."""
    typed = (code or "").replace(" ", "").replace("\u3000", "")
    if len(typed) != 6 or not typed.isdecimal():
        return None
    return "".join(str(unicodedata.decimal(character)) for character in typed)


def accept(draft, email, code) -> bool:
    """True, and the draft's email counts as proved, if `code` is the live code for `email`.

    Every try of six digits is counted before the code is compared (in one guarded UPDATE, so
    that parallel guesses cannot exceed the allowance); the sixth try of a code fails whatever it
    is. Anything else (five digits, letters) is refused without spending a try."""
    code = as_typed(code)
    if code is None:
        return False
    now = utcnow()
    row = (
        db.session.execute(
            select(VerificationCode)
            .where(
                VerificationCode.draft_id == draft.id,
                VerificationCode.email_key == email_key(email or ""),
                VerificationCode.spent.is_(False),
            )
            .order_by(VerificationCode.created_at.desc())
        )
        .scalars()
        .first()
    )
    if row is None or row.code_hash is None or row.expires_at <= now:
        return _proved_meanwhile(draft, email)
    counted = db.session.execute(
        update(VerificationCode)
        .where(
            VerificationCode.id == row.id,
            VerificationCode.spent.is_(False),
            VerificationCode.wrong_tries < TRIES,
        )
        .values(wrong_tries=VerificationCode.wrong_tries + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    right = counted == 1 and hmac.compare_digest(_hash(row.id, code), row.code_hash)
    if right:
        db.session.execute(
            update(VerificationCode)
            .where(VerificationCode.id == row.id)
            .values(spent=True, verified_at=now, wrong_tries=VerificationCode.wrong_tries - 1)
            .execution_options(synchronize_session=False)
        )
    elif counted == 1 and row.wrong_tries + 1 >= TRIES:
        db.session.execute(
            update(VerificationCode)
            .where(VerificationCode.id == row.id)
            .values(spent=True)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    return right or (counted == 0 and _proved_meanwhile(draft, email))


def _proved_meanwhile(draft, email) -> bool:
    """The code was spent by a parallel post of the right code (a double click), which proved
    the draft's email: this post goes on as that one did."""
    return verified_at(draft, email) is not None

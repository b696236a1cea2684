"""Operator accounts: the one-time setup link, password (argon2id) and TOTP second factor.

`create-operator` stores an operator with a TOTP secret (encrypted with a key derived from
SECRET_KEY) and prints a link, valid 24 hours, whose token is kept only as a hash. Following it
the operator chooses a password and proves the authenticator app with a first code; the link is
then spent. Signing in needs all three; a TOTP code is accepted once (RFC 6238, section 5.2).
"""

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

import pyotp
import segno
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import select, update

from webapp.console import audit
from webapp.console.models import Operator
from webapp.extensions import db
from webapp.models import utcnow
from webapp.registration.passwords import hash_secret, verify_secret
from webapp.tenants import registry

SETUP_LIFETIME = timedelta(hours=24)
ISSUER = "Registration console"
# A code of the previous or next 30-second step is still taken: clocks drift, people type slowly.
DRIFT_STEPS = 1
# Checked against when the email is unknown, so that the answer takes as long as for a known one.
_NOBODY = None


def _fernet():
    secret = current_app.config["SECRET_KEY"].encode()
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"webapp operator totp"
    ).derive(secret)
    return Fernet(base64.urlsafe_b64encode(key))


def _sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


def totp(operator) -> pyotp.TOTP:
    secret = _fernet().decrypt(operator.totp_secret.encode()).decode()
    return pyotp.TOTP(secret, name=operator.email, issuer=ISSUER)


def qr_svg(operator, title) -> str:
    """The authenticator app's enrolment QR code, as inline SVG markup titled `title`."""
    code = segno.make(totp(operator).provisioning_uri(), error="m")
    return code.svg_inline(scale=4, title=title, omitsize=False)


def create(email, tenants=None):
    """Make (or, for a known email, reset) an operator; return (operator, setup token)."""
    unknown = [slug for slug in tenants or () if registry().get(slug) is None]
    if unknown:
        raise ValueError(f"no tenant {', '.join(repr(s) for s in unknown)}")
    email = email.strip().lower()
    operator = db.session.scalar(select(Operator).where(Operator.email == email))
    if operator is None:
        operator = Operator(email=email)
        db.session.add(operator)
    token = secrets.token_urlsafe(32)
    operator.tenants = sorted(set(tenants)) if tenants else None
    operator.password_hash = None
    operator.enrolled_at = None
    operator.totp_secret = _fernet().encrypt(pyotp.random_base32().encode()).decode()
    operator.totp_last_step = 0
    operator.setup_token_sha256 = _sha256(token)
    operator.setup_expires_at = utcnow() + SETUP_LIFETIME
    db.session.commit()
    return operator, token


def by_setup_token(token):
    """The operator a setup link is for, while it is valid (unused, within 24 hours)."""
    if not token or len(token) > 100:
        return None
    operator = db.session.scalar(
        select(Operator).where(Operator.setup_token_sha256 == _sha256(token))
    )
    if operator is None or operator.setup_expires_at < utcnow():
        return None
    return operator


def _accept_code(operator, code) -> bool:
    """True for a code of the operator's TOTP not used before; it can never be used again."""
    code = (code or "").replace(" ", "")
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return False
    generator = totp(operator)
    now = generator.timecode(datetime.now(UTC))
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if hmac.compare_digest(generator.generate_otp(step), code):
            # One guarded UPDATE: of two sign-ins racing with the same code only one wins.
            won = (
                db.session.execute(
                    update(Operator)
                    .where(Operator.id == operator.id, Operator.totp_last_step < step)
                    .values(totp_last_step=step)
                ).rowcount
                == 1
            )
            db.session.commit()
            return won
    return False


def enrol(operator, password, code) -> bool:
    """Finish the setup: the password is set and the link spent if the code is right."""
    if not _accept_code(operator, code):
        return False
    operator.password_hash = hash_secret(password)
    operator.enrolled_at = utcnow()
    operator.setup_token_sha256 = None
    operator.setup_expires_at = None
    db.session.commit()
    return True


def authenticate(email, password, code):
    """The operator these answers sign in, or None; every wrong answer looks the same. A wrong
    password or code for an operator's email is in the audit log (the caller commits): someone
    trying to sign in as them."""
    global _NOBODY
    operator = db.session.scalar(
        select(Operator).where(Operator.email == (email or "").strip().lower())
    )
    if operator is None or operator.password_hash is None:
        _NOBODY = _NOBODY or hash_secret(secrets.token_urlsafe(16))
        verify_secret(_NOBODY, password or "")
        return None
    if verify_secret(operator.password_hash, password or "") and _accept_code(operator, code):
        return operator
    audit.write(operator.email, "sign-in refused: wrong password or code")
    return None


def tenants_of(operator):
    """The tenants the operator may see, in the tenants file's order."""
    return [t for t in registry() if operator.tenants is None or t.slug in operator.tenants]

"""Keys derived from SECRET_KEY for proof of ownership: keyed hashes (codes, consent evidence),
sealed outbox fields (a code travels to the mail worker encrypted), and signed link tokens."""

import base64
import hashlib
import hmac
import json
from functools import lru_cache

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from itsdangerous import URLSafeTimedSerializer


def _derived(purpose: str) -> bytes:
    return _derive(current_app.config["SECRET_KEY"], purpose)


@lru_cache(maxsize=64)
def _derive(secret_key: str, purpose: str) -> bytes:
    # Derived once per key and purpose (the purposes are a handful of constants), not for each
    # hash: a registration's consent evidence alone takes four.
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"webapp {purpose}".encode()
    ).derive(secret_key.encode())


def keyed_hash(purpose: str, value: str | None) -> str | None:
    """Hex HMAC-SHA256 of `value` under a key for `purpose`: comparable, never reversible."""
    if value is None:
        return None
    return hmac.new(_derived(purpose), value.encode(), hashlib.sha256).hexdigest()


def _fernet():
    return Fernet(base64.urlsafe_b64encode(_derived("sealed outbox fields")))


def seal(fields: dict) -> str:
    return _fernet().encrypt(json.dumps(fields).encode()).decode()


def unseal(token: str | None) -> dict:
    return json.loads(_fernet().decrypt(token.encode())) if token else {}


def signer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"link {purpose}")

"""API keys (contract section 9) and how a request proves one: Bearer token or HMAC signature."""

import base64
import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app, g, request

from webapp.auth import keys, signatures
from webapp.extensions import db
from webapp.faults import FaultError, fault
from webapp.http.body import raw_body
from webapp.models import ApiKey
from webapp.registration import Caller
from webapp.tenants import registry

CLOCK_SKEW = 300  # seconds an HMAC timestamp may differ from the server's clock
TOKEN_ALPHABET = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
UNIX_SECONDS = re.compile(r"[0-9]{1,12}")  # ASCII digits: str.isdigit() also takes "²"
HEX_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


@dataclass(frozen=True)
class Credentials:
    tenant: str
    key_id: str
    caller: Caller
    # An HMAC signature used before, sent again with an Idempotency-Key: good only for the
    # answer that key already has (`current_credentials`).
    spent: bool = False


def _fernet() -> Fernet:
    secret = current_app.config["SECRET_KEY"].encode()
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"webapp api key secrets"
    ).derive(secret)
    return Fernet(base64.urlsafe_b64encode(key))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def create_api_key(tenant_slug: str) -> tuple[str, str]:
    """Make and store a key; return (key id, secret). The secret is shown once, kept hashed."""
    key_id = "key_" + secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)  # 43 characters of A-Z a-z 0-9 _ -
    db.session.add(
        ApiKey(
            id=key_id,
            tenant=tenant_slug,
            secret_sha256=_sha256(secret),
            secret_encrypted=_fernet().encrypt(secret.encode()).decode(),
        )
    )
    db.session.commit()
    return key_id, secret


def _key(key_id):
    if not key_id or not set(key_id) <= TOKEN_ALPHABET or len(key_id) > 64:
        return None
    key = db.session.get(ApiKey, key_id)
    return key if key is not None and key.revoked_at is None else None


def _bearer(token):
    key_id, _, secret = token.partition(".")
    key = _key(key_id)
    if key is None or not hmac.compare_digest(key.secret_sha256, _sha256(secret)):
        raise fault(91005)
    keys.note_use(key)
    return Credentials(key.tenant, key.id, Caller("USER", key.id))


def _hmac(key_id, timestamp, signature):
    key = _key(key_id)
    if (
        key is None
        or not UNIX_SECONDS.fullmatch(timestamp)
        or abs(int(time.time()) - int(timestamp)) > CLOCK_SKEW  # whole seconds, both ways
        or not HEX_SHA256.fullmatch(signature)
    ):
        raise fault(91005)
    try:
        secret = _fernet().decrypt(key.secret_encrypted.encode())
    except InvalidToken:  # SECRET_KEY changed since the key was made
        raise fault(91005) from None
    query = request.query_string.decode("utf-8", "replace")
    path = request.path + (f"?{query}" if query else "")
    body_hash = hashlib.sha256(raw_body()).hexdigest()
    message = f"{timestamp}\n{request.method}\n{path}\n{body_hash}".encode()
    expected = hmac.new(secret, message, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature.lower()):
        raise fault(91005)
    if request.method in signatures.REPEATABLE:
        keys.note_use(key)
        return Credentials(key.tenant, key.id, Caller("HMAC", key.id))
    fresh = signatures.spend(expected, int(timestamp) + CLOCK_SKEW + 1)  # its last second too
    if not fresh and request.headers.get("Idempotency-Key") is None:
        raise fault(91005)
    keys.note_use(key)
    return Credentials(key.tenant, key.id, Caller("HMAC", key.id), spent=not fresh)


def authenticate() -> Credentials | None:
    """The request's credentials, None when it has none, or 401 when they do not hold."""
    authorization = request.headers.get("Authorization")
    if authorization is not None:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise fault(91005)
        return _bearer(token.strip())
    headers = [request.headers.get(h) for h in ("X-Key-Id", "X-Timestamp", "X-Signature")]
    if any(h is not None for h in headers):
        if not all(headers):
            raise fault(91005)
        return _hmac(*headers)
    return None


def present_token(token):
    """Take `token` as the request's bearer token: for a door that also takes it other than in
    the Authorization header. A token that does not hold is 401 wherever credentials are asked
    for, as in the header."""
    try:
        g.credentials = _bearer(token)
    except FaultError as error:
        g.credentials = error


def current_credentials(spent_allowed=False) -> Credentials | None:
    """authenticate(), once per request; a failure is raised again wherever it is asked for.
    A spent signature is 401 unless `spent_allowed`: where only the caller's identity is asked
    for (the rate limits), or where an exact retry is answered from its Idempotency-Key's record
    and the door checks that it is one (the JSON API's registration)."""
    if "credentials" not in g:
        try:
            g.credentials = authenticate()
        except FaultError as error:
            g.credentials = error
    if isinstance(g.credentials, FaultError):
        raise g.credentials
    if g.credentials is not None and g.credentials.spent and not spent_allowed:
        raise fault(91005)
    return g.credentials


def api_tenant(public_allowed=True, spent_allowed=False):
    """The tenant and caller of an API request: the credentials' tenant, else `?tenant=` (or the
    default) where the tenant allows public registration; 401/404 faults otherwise."""
    credentials = current_credentials(spent_allowed)
    if credentials is not None:
        tenant = registry().get(credentials.tenant)
        if tenant is None:  # the key's tenant was removed from the tenants file
            raise fault(91005)
        return tenant, credentials.caller, f"key:{credentials.key_id}"
    slug = request.args.get("tenant")
    tenant = registry().get(slug) if slug is not None else registry().default
    if tenant is None:
        raise fault(91009)
    if not (public_allowed and tenant.public_registration):
        raise fault(91005)
    return tenant, Caller(), f"tenant:{tenant.slug}"

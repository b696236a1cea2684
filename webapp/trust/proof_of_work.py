"""Proof of work for tenants with `proof_of_work = true` (contract section 13), with ALTCHA.

The service makes a challenge, the browser's widget solves it in a Web Worker, and "Create
account" (or a public JSON request, in `X-Altcha`) hands back the solution, which is good once.
Challenges are made in ALTCHA's deterministic mode: the service picks the counter the solver must
reach and signs the derived key, so verifying is two HMACs, never a key derivation. A spent
challenge is kept in the database until it expires, so that no worker of any machine takes it
again.
"""

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from altcha import Payload, create_challenge, verify_solution
from flask import current_app

from webapp.faults import BY_CODE, Fault, FaultError
from webapp.forms.rules import Problem
from webapp.i18n import N_
from webapp.trust import spent

ALGORITHM = "PBKDF2/SHA-256"
# The shipped difficulty: each try is PBKDF2 with COST iterations, and the solver needs about
# COUNTER_FROM + COUNTER_SPAN / 2 tries (benchmarks/altcha_solve.py measures it in Chromium).
COST = 1_000
COUNTER_FROM, COUNTER_SPAN = 500, 1_000
LIFETIME = timedelta(minutes=30)  # long enough to read the review before "Create account"
HEADER = "X-Altcha"
FIELD = "altcha"  # the form field the widget fills
SOLVE_AGAIN = N_(
    "We could not check that this browser is not a robot – wait a moment for the "
    "check to finish, then select Create account again"
)
# The review step's notice without JavaScript, and the refusal of a post the widget never ran on.
NEEDS_SCRIPT = N_(
    "JavaScript is needed for this last step: it lets your browser show that it is not a robot, "
    "with nothing for you to do. Turn JavaScript on and reload this page."
)


def _secret(purpose: str) -> bytes:
    """A key for `purpose`, derived from SECRET_KEY (shared by every process and machine)."""
    key = current_app.config["SECRET_KEY"]
    return hmac.new(
        key.encode() if isinstance(key, str) else key, f"altcha:{purpose}".encode(), hashlib.sha256
    ).digest()


def challenge(tenant) -> dict:
    """A new challenge for the tenant, as the widget and `GET /api/v1/challenge` hand it out."""
    made = create_challenge(
        ALGORITHM,
        COST,
        counter=COUNTER_FROM + secrets.randbelow(COUNTER_SPAN),
        expires_at=datetime.now(UTC) + LIFETIME,
        data={"tenant": tenant.slug},
        hmac_secret=_secret("challenge"),
        hmac_key_secret=_secret("key"),
    )
    return made.to_dict()


def _failed(field, person=SOLVE_AGAIN):
    return FaultError([Fault(91017, field, Problem(BY_CODE[91017].message, 91017, person=person))])


def verify(tenant, payload: str | None, field=None, scripted=True) -> None:
    """Accept a solved challenge of this tenant once; raise 91017 (on `field`) for anything
    else. `scripted`: False for a form the widget never ran on (no JavaScript), whose refusal
    says so instead of asking to wait for the check."""
    if not payload:
        raise _failed(field, SOLVE_AGAIN if scripted else NEEDS_SCRIPT)
    try:
        result = verify_solution(payload, _secret("challenge"), hmac_key_secret=_secret("key"))
        parameters = _parameters(payload) if result.verified else None
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError, RecursionError):
        # A payload of the wrong shape, which the library does not always catch itself.
        raise _failed(field) from None
    if parameters is None or (parameters.get("data") or {}).get("tenant") != tenant.slug:
        raise _failed(field)
    _spend(parameters["signature"], parameters["expiresAt"], field)


def _parameters(payload):
    challenge = Payload.from_base64(payload).challenge
    return {**challenge.parameters.to_dict(), "signature": challenge.signature}


def _spend(signature, expires_at, field):
    """Record the challenge as spent; a second use (by any worker) is refused."""
    if not spent.once(signature, datetime.fromtimestamp(expires_at, UTC).replace(tzinfo=None)):
        raise _failed(field)

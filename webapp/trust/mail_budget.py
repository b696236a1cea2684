"""RATELIMIT_VERIFICATION_EMAIL: how many verification and notice mails one recipient address
gets (contract sections 10 and 12), counted in the rate-limit store under a keyed hash of the
address, so that the store never holds the address itself."""

import math
import time

from flask import current_app
from limits import parse_many

from webapp.extensions import limiter
from webapp.faults import Fault, FaultError
from webapp.forms.rules import email_key
from webapp.trust.keys import keyed_hash

SCOPE = "verification-email"


def _items_and_key(address):
    """The budget's windows ("10 per hour; 1 per minute": both), and the recipient's key."""
    items = parse_many(current_app.config["RATELIMIT_VERIFICATION_EMAIL"])
    return items, keyed_hash("mail recipient", email_key(address))


def take(address) -> bool:
    """Count one mail to `address` in every window; False (and nothing counted) when one of them
    is spent."""
    if not limiter.enabled:
        return True
    items, key = _items_and_key(address)
    if not all(limiter.limiter.test(item, SCOPE, key) for item in items):
        return False
    return all([limiter.limiter.hit(item, SCOPE, key) for item in items])


def refused(address=None, reset_at=None) -> FaultError:
    """429 91004 with Retry-After: until the recipient's window (or `reset_at`) frees a mail."""
    if reset_at is None:
        items, key = _items_and_key(address)
        stats = [limiter.limiter.get_window_stats(item, SCOPE, key) for item in items]
        reset_at = max((s.reset_time for s in stats if s.remaining <= 0), default=time.time())
    seconds = max(1, math.ceil(reset_at - time.time()))
    return FaultError([Fault(91004)], {"Retry-After": str(seconds)})

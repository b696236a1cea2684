"""RATELIMIT_VERIFICATION_EMAIL: how many verification and notice mails one recipient address
gets (contract sections 10 and 12), counted in the rate-limit store under a keyed hash of the
address, so that the store never holds the address itself."""

import math
import time

from flask import current_app
from limits import parse

from webapp.extensions import limiter
from webapp.faults import Fault, FaultError
from webapp.forms.rules import email_key
from webapp.trust.keys import keyed_hash

SCOPE = "verification-email"


def _item_and_key(address):
    item = parse(current_app.config["RATELIMIT_VERIFICATION_EMAIL"])
    return item, keyed_hash("mail recipient", email_key(address))


def take(address) -> bool:
    """Count one mail to `address`; False (and nothing counted) when its budget is spent."""
    if not limiter.enabled:
        return True
    item, key = _item_and_key(address)
    return limiter.limiter.hit(item, SCOPE, key)


def refused(address=None, reset_at=None) -> FaultError:
    """429 91004 with Retry-After: until the recipient's window (or `reset_at`) frees a mail."""
    if reset_at is None:
        item, key = _item_and_key(address)
        reset_at = limiter.limiter.get_window_stats(item, SCOPE, key).reset_time
    seconds = max(1, math.ceil(reset_at - time.time()))
    return FaultError([Fault(91004)], {"Retry-After": str(seconds)})

"""The wizard's CSRF protection, which needs no cookie (contract sections 5 and 6).

Flask-WTF keeps its secret in the session cookie, which a partner's iframe may never see. Here the
token in the hidden field `csrf_token` is signed by the service and bound to the draft the form
belongs to (or to "no draft yet" on the first step), and a browser's own word that a post comes
from another site (Sec-Fetch-Site, or Origin where that is missing) is refused outright.
`WTF_CSRF_ENABLED = False` turns both off, as it does Flask-WTF.
"""

import time
from functools import lru_cache

from flask import current_app, request
from flask_wtf.csrf import CSRFError
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer

from webapp.doors.wizard.drafts import LIFETIME
from webapp.http.same_site import cross_site
from webapp.i18n import N_

REFUSED = N_("The form has expired or was not sent by this site")


def _serializer():
    return _serializer_for(current_app.config["SECRET_KEY"])


@lru_cache(maxsize=4)
def _serializer_for(secret_key):
    return URLSafeTimedSerializer(secret_key, salt="wizard-csrf")


def token(draft_id: str | None) -> str:
    return _serializer().dumps(draft_id or "")


def protect(draft_id: str | None) -> None:
    """Refuse (400) a post whose token is missing, forged, stale, or bound to another draft."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    if cross_site():
        raise CSRFError(REFUSED)
    try:
        bound = _unexpired(request.form.get("csrf_token", ""))
    except BadData:
        raise CSRFError(REFUSED) from None
    if bound != (draft_id or ""):
        raise CSRFError(REFUSED)


def _unexpired(token: str) -> str:
    """The draft id a genuine token younger than a draft is bound to; BadData otherwise (as the
    serializer's `loads` with a `max_age`, to the second)."""
    bound, signed_at = _genuine(current_app.config["SECRET_KEY"], token)
    if not 0 <= int(time.time()) - signed_at <= int(LIFETIME.total_seconds()):
        raise SignatureExpired("the form has expired")
    return bound


@lru_cache(maxsize=4096)
def _genuine(secret_key, token: str) -> tuple[str, int]:
    """What a token whose signature holds is bound to, and when it was signed. A page's token
    comes back with each of its inline checks and its post: its signature is checked once, then
    remembered (only genuine tokens are, so that forged ones cannot push them out)."""
    bound, signed_at = _serializer_for(secret_key).loads(token, return_timestamp=True)
    return bound, int(signed_at.timestamp())

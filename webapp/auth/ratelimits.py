"""The limits of contract sections 10 and 15, as decorators for the doors' routes.

Separate budgets: the wizard's and embed's final posts per client address
(RATELIMIT_REGISTRATION), uncredentialed posts of the JSON doors per client address
(RATELIMIT_PUBLIC_API), and credentialed calls per API key (RATELIMIT_API) alone, never per
address nor per tenant (section 15: "count only against RATELIMIT_API per key").
"""

import math
import re
import time
from functools import wraps
from urllib.parse import urlsplit

from flask import current_app, request
from limits import parse_many
from limits.errors import ConfigurationError

from webapp.auth.credentials import current_credentials
from webapp.auth.ratelimit_keys import client_address
from webapp.config import ConfigError
from webapp.extensions import limiter
from webapp.faults import FaultError

# The configured budgets. Flask-Limiter reads them at each request and, finding one it cannot
# parse, logs an error and applies no limit at all: a typo would switch a budget off unnoticed.
BUDGETS = (
    "RATELIMIT_REGISTRATION",
    "RATELIMIT_PUBLIC_API",
    "RATELIMIT_VERIFICATION_EMAIL",
    "RATELIMIT_VALIDATION",
    "RATELIMIT_API",
    "RATELIMIT_USERNAME_CHECK",
)


# The budget each shared scope counts, to look at all of its windows when one refuses.
SCOPES = {
    "registration": "RATELIMIT_REGISTRATION",
    "public-api": "RATELIMIT_PUBLIC_API",
    "validation": "RATELIMIT_VALIDATION",
    "api": "RATELIMIT_API",
    "username": "RATELIMIT_USERNAME_CHECK",
}


def seconds_until_free(breached):
    """Seconds until every spent window of the refused budget frees a request: Flask-Limiter stops
    at the first window it finds spent (a minute's, say) and counts no further, but an hour's may
    be spent too. Each window's wait is at most its length."""
    args = breached.request_args
    budget = SCOPES.get(args[-1]) if breached.shared else None
    items = parse_many(current_app.config[budget]) if budget else [breached.limit]
    now = time.time()
    waits = []
    for item in items:
        reset_at, remaining = limiter.limiter.get_window_stats(item, *args)
        if remaining <= 0:
            waits.append(min(item.get_expiry(), math.ceil(reset_at - now)))
    return max(waits, default=breached.limit.get_expiry())


def _config(key):
    return lambda: current_app.config[key]


def _switched(limit):
    """Flask-Limiter's decorator `limit`, but a view under it is called as it is while the limits
    are off (RATELIMIT_ENABLED=false): Flask-Limiter's own wrapper would still look for limits
    to apply and find none, some 30 µs a request, a tenth of an inline check. Stacked, the
    decorators wrap each other's Flask-Limiter wrappers, as Flask-Limiter expects."""

    def decorate(view):
        plain = getattr(view, "unlimited", view)
        limited = limit(getattr(view, "limited", view))

        @wraps(plain)
        def switch(*args, **kwargs):
            return (limited if limiter.enabled else plain)(*args, **kwargs)

        switch.limited, switch.unlimited = limited, plain
        return switch

    return decorate


def _credentials_or_none():
    try:
        return current_credentials(spent_allowed=True)  # whose budget, not whether it holds
    except FaultError:
        return None  # the view answers 401; an unknown key is counted by address


def _key_id():
    credentials = _credentials_or_none()
    return f"key:{credentials.key_id}" if credentials else client_address()


# The wizard's and the embed's final posts ("Create account") per client address.
registration = _switched(
    limiter.shared_limit(
        _config("RATELIMIT_REGISTRATION"),
        "registration",
        key_func=client_address,
        exempt_when=lambda: request.method != "POST",
    )
)


def _not_public_post():
    return request.method not in ("POST", "PUT") or _credentials_or_none() is not None


# The JSON doors' posts without credentials (or with unknown ones) per client address; a
# credentialed post counts only against its key (`api`).
public_api = _switched(
    limiter.shared_limit(
        _config("RATELIMIT_PUBLIC_API"),
        "public-api",
        key_func=client_address,
        exempt_when=_not_public_post,
    )
)

# Inline field checks per client address.
validation = _switched(
    limiter.shared_limit(_config("RATELIMIT_VALIDATION"), "validation", key_func=client_address)
)


def _without_key():
    return _credentials_or_none() is None


# Requests per API key.
api = _switched(
    limiter.shared_limit(
        _config("RATELIMIT_API"), "api", key_func=_key_id, exempt_when=_without_key
    )
)


# Budgets an operator may leave unset: none, no limit.
OPTIONAL = {"RATELIMIT_USERNAME_CHECK"}


def _checked(config):
    """Refuses to start on a budget or a storage the limits cannot use, naming the key."""
    for key in BUDGETS:
        if key in OPTIONAL and not config[key]:
            continue
        try:
            parse_many(str(config[key]))
        except ValueError:
            raise ConfigError(
                f"{key}={config[key]!r} is not a rate limit: write it like '20 per hour' "
                "(several joined with ';')"
            ) from None


def init_app(app):
    """The limiter, on checked settings, and `Retry-After` on a 429 alone (section 15):
    Flask-Limiter adds it to every answer of a limited route. The hook is registered before the
    limiter's, so that it runs after the limiter has added its headers."""
    _checked(app.config)

    @app.after_request
    def retry_after_only_when_limited(response):
        if response.status_code != 429:
            response.headers.pop("Retry-After", None)
        return response

    uri = app.config["RATELIMIT_STORAGE_URI"]
    shown = f"RATELIMIT_STORAGE_URI={_without_password(uri)!r}"
    if uri.startswith(("redis://", "rediss://")):
        try:
            path = urlsplit(uri).path
        except ValueError as error:  # a broken [IPv6] host
            raise ConfigError(f"{shown}: {error}") from None
        if not re.fullmatch(r"/?\d*", path):
            # redis-py would take any other path for database 0 without a word.
            raise ConfigError(f"{shown}: the database after the host must be a number, like /0")
    try:
        limiter.init_app(app)
    except (ConfigurationError, ValueError) as error:  # ValueError: redis-py's, of a bad URL
        # limits' own message may repeat the whole URI
        raise ConfigError(f"{shown}: {_without_password(str(error))}") from None


def _without_password(text):
    """A storage URI, or a message quoting one, without the credentials it may hold."""
    text = re.sub(r"//\S*@", "//...@", text)  # user:password@, a "/" or "@" in the password too
    return re.sub(r"(?i)(password=)[^&\s'\"]*", r"\1...", text)  # redis-py's ?password=


def _probes_account():
    args = request.view_args or {}
    return args.get("field") in ("username", "email") or args.get("step") == "account"


# Whether a username or an email is taken shows in the wizard's inline checks of those fields
# and in its account step's answer: where the operator sets RATELIMIT_USERNAME_CHECK, per client
# address, more tightly than other checks.
username_probe = _switched(
    limiter.shared_limit(
        # Unset, every request is exempt; Flask-Limiter still parses a value before it asks.
        lambda: current_app.config["RATELIMIT_USERNAME_CHECK"] or "1 per day",
        "username",
        key_func=client_address,
        exempt_when=lambda: (
            not current_app.config["RATELIMIT_USERNAME_CHECK"] or not _probes_account()
        ),
    )
)

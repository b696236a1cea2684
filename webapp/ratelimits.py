"""The limits of contract section 10, as decorators for the doors' routes."""
from flask import current_app, request

from .credentials import current_credentials
from .extensions import limiter
from .faults import FaultError
from .ratelimit_keys import client_address


def _config(key):
    return lambda: current_app.config[key]


def _credentials_or_none():
    try:
        return current_credentials()
    except FaultError:
        return None  # the view answers 401; an unknown key is counted by address


def _key_id():
    credentials = _credentials_or_none()
    return f"key:{credentials.key_id}" if credentials else client_address()


# Registration attempts per client address. Requests signed with an API key come from a partner's
# server on behalf of many people; they count against their key's limit instead.
registration = limiter.shared_limit(
    _config("RATELIMIT_REGISTRATION"), "registration", key_func=client_address,
    exempt_when=lambda: request.method not in ("POST", "PUT") or _credentials_or_none() is not None)

# Inline field checks per client address.
validation = limiter.shared_limit(_config("RATELIMIT_VALIDATION"), "validation",
                                  key_func=client_address)

# Requests per API key.
api = limiter.shared_limit(_config("RATELIMIT_API"), "api", key_func=_key_id,
                           exempt_when=lambda: _credentials_or_none() is None)

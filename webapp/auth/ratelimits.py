"""The limits of contract section 10, as decorators for the doors' routes."""
from flask import current_app, request

from webapp.auth.credentials import current_credentials
from webapp.auth.ratelimit_keys import client_address
from webapp.extensions import limiter
from webapp.faults import FaultError


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


# Registration attempts per client address, with credentials or without (contract section 10);
# a partner's server that registers many people raises RATELIMIT_REGISTRATION.
registration = limiter.shared_limit(
    _config("RATELIMIT_REGISTRATION"), "registration", key_func=client_address,
    exempt_when=lambda: request.method not in ("POST", "PUT"))

# Inline field checks per client address.
validation = limiter.shared_limit(_config("RATELIMIT_VALIDATION"), "validation",
                                  key_func=client_address)

def _tenant_of_key():
    return f"tenant:{_credentials_or_none().tenant}"


def _without_key():
    return _credentials_or_none() is None


# Requests per API key, and per tenant across all of its keys.
_per_key = limiter.shared_limit(_config("RATELIMIT_API"), "api", key_func=_key_id,
                                exempt_when=_without_key)
_per_tenant = limiter.shared_limit(_config("RATELIMIT_API_TENANT"), "api-tenant",
                                   key_func=_tenant_of_key, exempt_when=_without_key)


def api(view):
    return _per_key(_per_tenant(view))


def _probes_account():
    args = request.view_args or {}
    return args.get("field") in ("username", "email") or args.get("step") == "account"


# Whether a username or an email is taken shows in the wizard's inline checks of those fields
# and in its account step's answer: per client address, more tightly than other checks.
username_probe = limiter.shared_limit(
    _config("RATELIMIT_USERNAME_CHECK"), "username", key_func=client_address,
    exempt_when=lambda: not _probes_account())

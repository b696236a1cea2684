"""Whom a rate limit counts: the client's address, or the API key that signed the request."""

from flask import request


def client_address():
    # ProxyFix (TRUSTED_PROXIES) has already put the real client address here.
    return request.remote_addr or "unknown"

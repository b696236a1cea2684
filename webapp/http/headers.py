"""The security headers of every response, set in one place after each request.

A Content-Security-Policy that allows no inline script (a page's inline style carries this
response's nonce), framing as `framing` decides it, no MIME sniffing, and no Referer: the wizard's
links carry its draft token.
"""

import secrets
from urllib.parse import urlsplit, urlunsplit

from flask import g, request

from webapp.http import framing

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'{nonce}; "
    "img-src 'self' https: http: data:; form-action 'self'; base-uri 'none'; "
    "object-src 'none'"
)


def nonce() -> str:
    """This response's nonce for inline <style> elements, made on first use."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


class LazyNonce:
    """The nonce for a template: made where the template writes it, so that a response that
    writes none (an htmx fragment) names none in its policy."""

    __slots__ = ()

    def __str__(self):
        return nonce()

    __html__ = __str__


def apply(response):
    if 300 <= response.status_code < 400:
        _relative(response)
    used = f" 'nonce-{g.csp_nonce}'" if "csp_nonce" in g else ""
    framed_by, frame_options = framing.policy()
    headers = response.headers
    headers["Content-Security-Policy"] = f"{POLICY.format(nonce=used)}; {framed_by}"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    if frame_options:
        headers["X-Frame-Options"] = frame_options
    else:
        headers.pop("X-Frame-Options", None)
    return response


def _relative(response):
    """Werkzeug's own redirects (to a route's defaults, for merged slashes, to a trailing slash)
    are absolute, on the host the request's Host header names: a shared cache keeping one would
    send others to any host a client made up. The app's own redirects are relative; these become
    so too, and no redirect is kept (some carry a draft's token)."""
    parts = urlsplit(response.headers.get("Location", ""))
    # The Host header as sent (request.host_url would give an xn-- host in Unicode).
    if parts.scheme in ("http", "https") and parts.netloc.lower() == request.host.lower():
        response.headers["Location"] = urlunsplit(("", "", parts.path or "/", *parts[3:]))
    response.headers.setdefault("Cache-Control", "no-store")


def init_app(app):
    app.after_request(apply)

"""Calls from a partner's own front end (contract section 1: the JSON API serves "a partner's
server, or a partner's own front end"). A browser asks before it sends a JSON post to another
origin, and reads an answer only where the answer names its origin (CORS). The origins allowed
are the tenant's `embed_origins`: the partner sites the tenant already trusts with its wizard.

Only a public caller's requests are open to them: a registration and its proof-of-work challenge,
with the headers such a caller sends. An API key's secret does not belong in a web page, so
`Authorization` and the HMAC headers are not allowed from a browser, and nothing rides on cookies.
"""

from flask import request

from webapp.tenants import registry

# The public caller's operations, and the methods a browser may ask to use on them.
METHODS = {"api.create_customer": "POST", "api_challenge.challenge": "GET"}
HEADERS = "Content-Type, Idempotency-Key, X-Altcha, Accept-Language"
# What a front end needs to read of an answer beyond the CORS-safelisted headers.
EXPOSED = "Location, Retry-After"
PREFLIGHT_SECONDS = "600"


def _allowed(origin):
    slug = request.args.get("tenant")
    tenant = registry().get(slug) if slug is not None else registry().default
    return tenant is not None and tenant.public_registration and origin in tenant.embed_origins


def allow(response):
    """The CORS headers of an answer to a public operation, for an allowed origin alone."""
    method = METHODS.get(request.endpoint)
    if method is None:
        return response
    response.vary.add("Origin")  # caches must not hand one origin's answer to another
    origin = request.headers.get("Origin")
    if origin is None or not _allowed(origin):
        return response
    headers = response.headers
    headers["Access-Control-Allow-Origin"] = origin
    if request.method == "OPTIONS":
        headers["Access-Control-Allow-Methods"] = method
        headers["Access-Control-Allow-Headers"] = HEADERS
        headers["Access-Control-Max-Age"] = PREFLIGHT_SECONDS
    else:
        headers["Access-Control-Expose-Headers"] = EXPOSED
    return response


def init_app(app):
    app.after_request(allow)

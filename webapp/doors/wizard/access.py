"""What `public_registration = false` means for the browser doors (docs/production.md).

Such a tenant registers people through its partners only: its own wizard pages
(`/t/<tenant>/register`, and `/register` when it is the default tenant) answer 404, inline checks
included, and its embed serves only a browser that loads it into a frame (`Sec-Fetch-Dest:
iframe`), which CSP `frame-ancestors` lets only the tenant's `embed_origins` do. Inside the frame,
form posts and htmx checks come from the embed itself (`Sec-Fetch-Site: same-origin`). A tenant
without `embed_origins` has no embed at all then.
"""

from flask import abort, request

FRAME_DESTINATIONS = {"GET": {"iframe"}, "POST": {"iframe", "empty"}}  # empty: htmx's fetch


def _inside_a_frame() -> bool:
    destination = request.headers.get("Sec-Fetch-Dest")
    if destination not in FRAME_DESTINATIONS.get(request.method, ()):
        return False
    return request.method == "GET" or request.headers.get("Sec-Fetch-Site") == "same-origin"


def ensure_open_to_browsers(tenant, mode: str) -> None:
    """404 unless the tenant registers anyone, or this is its embed inside a partner's frame."""
    if tenant.public_registration:
        return
    if mode == "embed" and tenant.embed_origins and _inside_a_frame():
        return
    abort(404)

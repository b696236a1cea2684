"""Who may frame the service's pages (contract section 6).

Every response refuses to be framed (CSP `frame-ancestors 'none'` and `X-Frame-Options: DENY`),
except a tenant's embed, which only the tenant's `embed_origins` may frame. A tenant without
embed origins cannot be framed anywhere: its embed answers with `frame-ancestors 'none'`.
"""

from flask import g


def allow(origins) -> None:
    """Let this request's response be framed by `origins` (none: by nobody)."""
    g.frame_ancestors = tuple(origins)


def protect(response):
    """Add this request's framing policy to the response (`security_headers` calls it)."""
    ancestors = g.get("frame_ancestors") or ()
    directive = "frame-ancestors " + (" ".join(ancestors) if ancestors else "'none'")
    policy = response.headers.get("Content-Security-Policy")
    response.headers["Content-Security-Policy"] = f"{policy}; {directive}" if policy else directive
    if ancestors:
        # X-Frame-Options cannot name an origin; browsers that know CSP ignore it anyway.
        response.headers.pop("X-Frame-Options", None)
    else:
        response.headers["X-Frame-Options"] = "DENY"
    return response

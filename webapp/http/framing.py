"""Who may frame the service's pages (contract section 6).

Every response refuses to be framed (CSP `frame-ancestors 'none'` and `X-Frame-Options: DENY`),
except a tenant's embed, which only the tenant's `embed_origins` may frame. A tenant without
embed origins cannot be framed anywhere: its embed answers with `frame-ancestors 'none'`.
"""

from flask import g


def allow(origins) -> None:
    """Let this request's response be framed by `origins` (none: by nobody)."""
    g.frame_ancestors = tuple(origins)


def policy() -> tuple[str, str | None]:
    """This request's framing policy: its CSP directive, and its X-Frame-Options (None where
    origins may frame it: the header cannot name an origin, and browsers that know CSP ignore
    it anyway). `security_headers` writes both."""
    ancestors = g.get("frame_ancestors") or ()
    if ancestors:
        return "frame-ancestors " + " ".join(ancestors), None
    return "frame-ancestors 'none'", "DENY"

"""Whether a post comes from another site, as the browser says: beside the forms' tokens, the
wizard and the console refuse posts that another site's page made."""

from flask import request


def cross_site(same_site_too=False) -> bool:
    """Whether another site's page made this post; `same_site_too`: or any page of another
    origin, such as another subdomain or port of the same site (the console allows none)."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site == "cross-site" or (same_site_too and site == "same-site")
    # "null" tells nothing: the pages' Referrer-Policy (no-referrer) makes a browser send it with
    # its own form posts, and one without Sec-Fetch-* headers sends nothing else. The token decides.
    origin = request.headers.get("Origin")
    return origin not in (None, "null") and origin != request.host_url.rstrip("/")

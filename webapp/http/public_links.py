"""Links that leave the request, in a mail or printed by a command, are absolute URLs."""

from flask import current_app, request


def absolute(path: str) -> str:
    """`path` (from `url_for`) on PUBLIC_URL when it is set, else on the address the request came
    to. Set it in production: a Host header is the client's to choose, so a registration sent
    with a forged one would otherwise mail the person a link to the forger's server, carrying
    their token."""
    return (current_app.config["PUBLIC_URL"] or request.host_url.rstrip("/")) + path

"""Links that leave the request, in a mail or printed by a command, are absolute URLs."""

from flask import current_app, request
from werkzeug.urls import iri_to_uri


def absolute(path: str) -> str:
    """`path` (from `url_for`) on PUBLIC_URL when it is set, else on the address the request came
    to. Set it in production: a Host header is the client's to choose, so a registration sent
    with a forged one would otherwise mail the person a link to the forger's server, carrying
    their token. Either way in ASCII, a host in Punycode (Werkzeug shows a request's in Unicode):
    a mail header such as List-Unsubscribe carries the link only so."""
    return (current_app.config["PUBLIC_URL"] or iri_to_uri(request.host_url.rstrip("/"))) + path

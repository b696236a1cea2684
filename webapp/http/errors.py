"""Every error becomes a fault, rendered in the format of the door the request came through.

Doors register a renderer for their URL prefix; anything else gets the JSON fault body. No error,
however unexpected, shows a stack trace: it is logged with the request id and answered 500 90061.
"""

import logging

from flask import g, jsonify, make_response, render_template, request
from flask.globals import request_ctx
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from gunicorn.http.errors import ParseException
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException

from webapp.extensions import limiter
from webapp.faults import Fault, FaultError, fault
from webapp.http import logs
from webapp.http.headers import nonce
from webapp.i18n import N_, gettext

log = logging.getLogger("webapp.http.errors")
_renderers = []  # (path prefix, renderer, in any case), longest prefix first
_page_renderers = []  # (path prefix, renderer) of HTTP errors that have no fault, for HTML doors

# HTTP errors raised by Flask or Werkzeug, as the fault the contract names for them.
HTTP_FAULTS = {400: 91003, 401: 91005, 413: 91006, 415: 91002, 429: 91004}
BAD_HOST = "The Host header names no valid host"
# An unknown route or method, as a fault where the door answers in faults rather than pages.
ROUTING_FAULTS = {404: 91013, 405: 91014}


def renderer(prefix, any_case=False):
    """Register `function(FaultError) -> response` for requests under `prefix` (in any case, for
    a door whose clients' servers read paths so, as ASP.NET does)."""

    def register(function):
        _renderers.append((prefix, function, any_case))
        _renderers.sort(key=lambda item: -len(item[0]))
        return function

    return register


def page_renderer(prefix):
    """Register `function(HTTPException) -> response` for the HTTP errors that have no fault
    (404, 405...) under `prefix`: a door that answers in HTML shows them as its own pages."""

    def register(function):
        _page_renderers.append((prefix, function))
        return function

    return register


def json_fault(error: FaultError):
    response = jsonify(error.to_dict())
    response.status_code = error.status
    response.headers.update(error.headers)
    return response


# How a client is to authenticate, on every 401 (RFC 6750; contract section 15).
CHALLENGE = 'Bearer realm="registration"'


# The words of a page for an HTTP error where no door draws its own (the wizard uses them too).
PAGE_TROUBLE = {
    404: (N_("Page not found"), N_("Check the web address, or start again.")),
    405: (N_("There is a problem"), N_("This page cannot be used that way.")),
}


def allow_header(error) -> dict:
    """The `Allow` header a 405 carries (RFC 9110): the methods the path takes; else none."""
    allowed = getattr(error, "valid_methods", None)
    return {"Allow": ", ".join(allowed)} if allowed else {}


def _plain_page(error):
    """An HTTP error outside every door (`/nosuch`, `POST /`, a static file that is not there):
    the service's own plain page, in the person's language, rather than Werkzeug's."""
    heading, message = PAGE_TROUBLE.get(error.code, (N_("There is a problem"), None))
    response = make_response(
        render_template(
            "errors/problem.html",
            layout="base.html",
            nonce=nonce(),
            heading=gettext(heading),
            message=gettext(message) if message else error.description,
        ),
        error.code,
    )
    response.headers.update(allow_header(error))
    return response


def answering(error: FaultError):
    """Note the fault this request is answered with (`answered_fault`), where a door draws it
    into its own page rather than through `render_fault`."""
    g.answered_fault = error.faults[0].code


def answered_fault():
    """The code of the fault this request was answered with, if any."""
    return g.get("answered_fault")


def render_fault(error: FaultError):
    answering(error)
    if error.status == 401:
        error.headers = {"WWW-Authenticate": CHALLENGE, **error.headers}
    if request_ctx.url_adapter is None:
        # The Host header names no host Werkzeug can route (400): nothing can be linked to, so
        # no page can be drawn; the fault alone is answered, saying what it was about.
        return json_fault(
            FaultError(
                [Fault(f.code, f.field, BAD_HOST) if f.code == 91003 else f for f in error.faults],
                error.headers,
            )
        )
    for prefix, function, any_case in _renderers:
        if (request.path.lower() if any_case else request.path).startswith(prefix):
            return function(error)
    return json_fault(error)


def _retry_after(error):
    """Seconds until the budget takes a request again (not a window's length)."""
    from webapp.auth import ratelimits  # not at the top: the doors it limits import this module

    breached = limiter.current_limit
    if breached is not None:
        seconds = ratelimits.seconds_until_free(breached)
    else:
        limit = getattr(error, "limit", None)
        seconds = limit.limit.get_expiry() if limit is not None else 60
    return {"Retry-After": str(max(1, seconds))}


def init_app(app):
    @app.errorhandler(FaultError)
    def on_fault(error):
        return render_fault(error)

    @app.errorhandler(RateLimitExceeded)
    def on_rate_limit(error):
        # The door's renderer gets the wait too: a page says it in words.
        rendered = render_fault(FaultError([Fault(91004)], headers=_retry_after(error)))
        response = app.make_response(rendered)
        response.headers.setdefault("Retry-After", _retry_after(error)["Retry-After"])
        return response

    @app.errorhandler(CSRFError)
    def on_csrf(error):
        return render_fault(
            fault(91003, detail="The form has expired or was not sent by this site")
        )

    @app.errorhandler(HTTPException)
    def on_http(error):
        code = HTTP_FAULTS.get(error.code)
        if code is not None:
            return render_fault(fault(code))
        for prefix, function in _page_renderers:
            if request.path.startswith(prefix):
                return function(error)
        if any(
            (request.path.lower() if any_case else request.path).startswith(prefix)
            for prefix, _, any_case in _renderers
        ):
            code = ROUTING_FAULTS.get(error.code)
            if code is not None:
                return render_fault(FaultError([Fault(code)], headers=allow_header(error)))
            response = jsonify({"message": error.description})
            response.status_code = error.code
            return response
        return _plain_page(error)

    @app.errorhandler(ParseException)
    def on_broken_body(error):
        # gunicorn reads a chunked body as the app reads it: broken framing (a chunk size that is
        # no number, a missing CRLF) surfaces here. Werkzeug's own server answers it 400 too.
        # The page is drawn as for an empty body: reading the form again would fail again.
        request.__dict__.update(form=ImmutableMultiDict(), files=ImmutableMultiDict())
        return render_fault(fault(91003))

    @app.errorhandler(Exception)
    def on_unexpected(error):
        log.exception("unexpected error (request id %s)", logs.request_id())
        return render_fault(fault(90061))

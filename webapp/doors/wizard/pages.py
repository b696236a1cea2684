"""Rendering the wizard: its pages and htmx fragments, their headers, and its error pages."""
from functools import lru_cache

from flask import g, make_response, render_template, request

from webapp.faults import Fault, FaultError
from webapp.forms.rules import Problem
from webapp.http import errors
from webapp.http.headers import nonce
from webapp.i18n import N_, gettext
from webapp.trust import honeypot, proof_of_work

# The error pages' headings; their text is the fault's own message.
TROUBLE = {
    91003: N_("This form has expired"),
    91004: N_("Too many attempts"),
    91006: N_("Too much information was sent"),
    91009: N_("Page not found"),
    90055: N_("Registration is closed"),
    90061: N_("Sorry, there is a problem with the service"),
}
PAGE_TROUBLE = {404: (N_("Page not found"), N_("Check the web address, or start again.")),
                405: (N_("Page not found"), N_("This page cannot be used that way."))}
# The product's own faults a person can meet beside a field, as a plain instruction: their
# messages are written for API clients.
INSTRUCTIONS = {
    91001: N_("An account with this email address already exists – enter a different email "
              "address"),
    91015: N_("Enter the code we emailed you, to confirm your email address, before you "
              "continue"),
}


def said(fault: Fault) -> str:
    """A fault as the person reads it, in the page's language: the form's plain instruction, or
    the seed's message (which the JSON doors keep in English)."""
    if isinstance(fault.detail, Problem):
        return fault.detail.translated()
    return gettext(INSTRUCTIONS.get(fault.code, fault.message))


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def _luminance(colour):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4
    red, green, blue = (channel(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _contrast(one, other):
    lighter, darker = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@lru_cache(maxsize=64)
def on_colour(colour: str) -> str:
    """White or near-black text, whichever reads better on `colour` (4.5:1 or more, always)."""
    return max(("#ffffff", "#0b0c0c"), key=lambda text: _contrast(colour, text))


def secure(response):
    """Headers every wizard response carries beyond those of `security_headers`."""
    response.headers["Cache-Control"] = "no-store"  # answers are personal
    response.vary.add("HX-Request")
    response.vary.add("Accept-Language")  # the page's language may follow it
    return response


def render(template, status=200, **context):
    visit = g.get("visit")
    tenant = visit.tenant if visit else None
    embedded = bool(visit and visit.embedded)
    response = make_response(render_template(
        template, visit=visit, tenant=tenant, embedded=embedded,
        layout="embed.html" if embedded else "base.html", nonce=nonce(),
        on_brand=on_colour(tenant.primary_colour) if tenant else None,
        rendered=lambda: honeypot.carried(request.form),
        pow_challenge=lambda: proof_of_work.challenge(tenant), **context), status)
    return secure(response)


def _trouble(status, heading, message, headers=None):
    if is_htmx():
        response = render("errors/_alert.html", status, heading=heading, message=message)
        # Announced in the page's alert region, never swapped over a field.
        response.headers["HX-Retarget"] = "#wizard-alert"
        response.headers["HX-Reswap"] = "innerHTML"
    else:
        response = render("errors/problem.html", status, heading=heading, message=message)
    response.headers.update(headers or {})
    return response


@errors.renderer("/register")
@errors.renderer("/t/")
def fault_page(error: FaultError):
    first = error.faults[0]
    heading = gettext(TROUBLE.get(first.code, N_("There is a problem")))
    return _trouble(error.status, heading, said(first), error.headers)


@errors.page_renderer("/register")
@errors.page_renderer("/t/")
def http_error_page(error):
    heading, message = PAGE_TROUBLE.get(error.code, (N_("There is a problem"), error.description))
    allowed = getattr(error, "valid_methods", None)  # a 405 says which methods the page takes
    return _trouble(error.code, gettext(heading), gettext(message),
                    {"Allow": ", ".join(allowed)} if allowed else None)

"""Rendering the wizard: its pages and htmx fragments, their headers, and its error pages."""

import re
import secrets
from dataclasses import replace
from functools import lru_cache

from flask import current_app, g, render_template, request
from jinja2 import pass_context
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict

from webapp import i18n
from webapp.doors.wizard import stores
from webapp.doors.wizard.instructions import instruction
from webapp.faults import Fault, FaultError
from webapp.http import errors
from webapp.http.headers import LazyNonce, nonce
from webapp.i18n import N_, gettext
from webapp.trust import honeypot, proof_of_work

# The error pages: a heading and what to do, never the fault's message (written for API clients).
TROUBLE = {
    91003: (N_("This form has expired"), N_("Go back to the form and try again.")),
    91006: (
        N_("Too much information was sent"),
        N_("Go back, shorten your answers and try again."),
    ),
    91009: (N_("Page not found"), N_("Check the web address, or start again.")),
    90055: (
        N_("Registration is closed"),
        N_("You cannot create an account here at the moment. Try again later."),
    ),
    90061: (N_("Sorry, there is a problem with the service"), N_("Try again later.")),
    91015: (
        N_("Confirm your email address first"),
        N_("Enter the code we emailed you, to confirm your email address, before you continue"),
    ),
}


def said(fault: Fault, answers=None) -> str:
    """A fault beside a field as the person reads it: a plain instruction in the page's
    language (the answers it was found in tell which cause it had)."""
    return instruction(fault, g.visit.tenant, answers if answers is not None else MultiDict())


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


# Beyond those of `security_headers`: every wizard answer is personal, and its language may
# follow Accept-Language (a later `vary.add`, Flask's for the session cookie, adds to Vary).
WIZARD_HEADERS = (("Cache-Control", "no-store"), ("Vary", "HX-Request, Accept-Language"))
HTML = "text/html; charset=utf-8"


def _response(body: str, status: int = 200):
    """The response for a drawn page, as Flask's `make_response(body, status)` makes it, with the
    headers every wizard response carries, without its working out what it was given."""
    return current_app.response_class(
        body, status=status, headers=list(WIZARD_HEADERS), content_type=HTML
    )


@lru_cache(maxsize=256)
def options(choices: tuple, chosen: str) -> Markup:
    """A select's <option> elements (partials/options.html), drawn once for each list and answer:
    the lists are the same for every visitor of a tenant and language."""
    drawn = current_app.jinja_env.get_template("partials/options.html")
    return Markup(drawn.render(choices=choices, chosen=chosen))


FIELDS_AT_MOST = 512  # fields every visitor of a tenant and language sees alike, kept drawn


@pass_context
def draw_field(context, view):
    """partials/field.html for the field `view`, as a page includes it."""
    return _field(view, context, context.get_all)


def _field(view, page, everything):
    """The field `view` drawn for a page whose variables `page` looks up (`everything()`: all of
    them, to draw with). A field that every visitor of the tenant and language sees alike
    (`FieldView.common`) is drawn once and kept."""
    if page.get("strength") is not None:
        return _draw_field(view, everything())
    common = view.common()
    typed = common is None and _typed(view)
    if typed:  # as the field without the answer, the answer in its value="..."
        common = ("typed", replace(view, value="").common())
    elif common is None:
        return _draw_field(view, everything())
    visit = page.get("visit")
    key = (
        i18n.current(),
        request.script_root,  # the check's URL
        visit.tenant.slug,
        visit.mode,
        bool(page.get("password_saved")),
        common,
    )
    if not typed:
        return stores.kept("fields", key, lambda: _draw_field(view, everything()), FIELDS_AT_MOST)
    pieces = stores.kept(
        "fields",
        key,
        lambda: tuple(_draw_field(replace(view, value=_VALUE), everything()).split(_VALUE)),
        FIELDS_AT_MOST,
    )
    if len(pieces) != 2:
        return _draw_field(view, everything())
    # As the template writes `{{ f.value }}`: escaped.
    return Markup("".join((pieces[0], str(escape(view.value)), pieces[1])))


# A text field's answer, as a mark that markup leaves as it is: a kept field with an answer
# typed (but no error) is drawn once with the mark for its value, and cut there.
_VALUE = f"value-{secrets.token_hex(6)}"


def _typed(view):
    """True for a text box showing a visitor's answer and no error: the same drawing as with no
    answer, but for its value attribute."""
    return view.kind == "text" and not view.error and isinstance(view.value, str) and view.value


def _draw_field(view, variables):
    template = current_app.jinja_env.get_template("partials/field.html")
    return Markup(template.render(variables, field=view))


def _variables(visit, **context):
    """What a wizard template is drawn with (besides Flask's own and the context processors')."""
    tenant = visit.tenant if visit else None
    embedded = bool(visit and visit.embedded)
    return {
        "visit": visit,
        "tenant": tenant,
        "embedded": embedded,
        "layout": "embed.html" if embedded else "base.html",
        "nonce": LazyNonce(),
        "rendered": lambda: honeypot.carried(request.form),
        "pow_challenge": lambda: proof_of_work.challenge(tenant),
        "options": options,
        "draw_field": draw_field,
        **context,
    }


def render(template, status=200, **context):
    page = render_template(template, **_variables(g.get("visit"), **context))
    return _response(page, status)


def render_field(view):
    """partials/field.html alone for the field `view` (an inline check's answer), as `render`
    draws it; one every visitor of the tenant and language sees alike from the fields kept."""
    page = _variables(g.visit)
    return _response(_field(view, page, _completed(page)))


def _completed(page):
    """A function giving the page's variables as render_template completes them (Flask's own
    and the context processors'), to draw with: completed on first use, once."""
    completed = []

    def everything():
        if not completed:
            completed.append(dict(page))
            current_app.update_template_context(completed[0])
        return completed[0]

    return everything


# What a kept page leaves out, drawn for each visitor: a mark stands in for each when the page is
# drawn for keeping (letters, digits and "-" only: markup and URLs leave them as they are), and
# for each field when the fields are drawn apart ("field0", "field1", ...).
_MARKED = secrets.token_hex(6)
_SLOT = re.compile(rf"slot-(csrf|draft|rendered|nonce|field\d+)-{_MARKED}")
PAGES_AT_MOST = 256  # pages every visitor of a tenant and language sees alike, kept in pieces


def _mark(slot):
    return f"slot-{slot}-{_MARKED}"


def render_kept(template, key, status=200, fields_apart=False, **context):
    """`render` for a page that every visitor of the tenant and language sees alike but for its
    tokens (`key`: all else it is drawn from besides the visit), and but for its fields when
    they are drawn apart (`fields_apart`: the fields show the visitor's answers; `key` then
    names them). It is drawn once, with marks in those places, and kept as pieces; each
    request puts the visitor's own in their places."""
    visit = g.visit
    key = (
        template,
        status,
        visit.tenant,
        visit.mode,
        visit.language,
        visit.draft is not None,
        i18n.current(),
        request.script_root,
        fields_apart,
        key,
    )
    pieces = stores.kept(
        "pages", key, lambda: _pieces(template, visit, context, fields_apart), PAGES_AT_MOST
    )
    page = _variables(visit, **context)
    values = {
        "csrf": lambda: context["csrf"],
        "draft": lambda: visit.token,
        "nonce": nonce,
        "rendered": page["rendered"],
    }
    if fields_apart:
        everything = _completed(page)
        for n, view in enumerate(context["fields"]):
            values[f"field{n}"] = lambda view=view: _field(view, page, everything)
    drawn = "".join(piece if n % 2 == 0 else values[piece]() for n, piece in enumerate(pieces))
    return _response(drawn, status)


def _pieces(template, visit, context, fields_apart):
    """The page drawn with marks for its slots, cut at them: text, slot, text, ..., text."""
    stand_in = replace(visit)
    stand_in._token = (visit.draft, _mark("draft")) if visit.draft is not None else None
    marked = {
        "csrf": _mark("csrf"),
        "nonce": _mark("nonce"),
        "rendered": lambda: _mark("rendered"),
    }
    if fields_apart:
        index = {view.name: n for n, view in enumerate(context["fields"])}
        marked["draw_field"] = lambda view: Markup(_mark(f"field{index[view.name]}"))
    drawn = render_template(template, **_variables(stand_in, **{**context, **marked}))
    return tuple(_SLOT.split(drawn))  # text, slot, text, ..., text


class Translated:
    """Words translated only when a template writes them (`str`), as `translate(*args)` gives
    them; escaped as any text. For a kept page, which is drawn once but asked for each time."""

    __slots__ = ("translate", "args")

    def __init__(self, translate, *args):
        self.translate, self.args = translate, args

    def __str__(self):
        return str(self.translate(*self.args))


def _trouble(status, heading, message, headers=None):
    if is_htmx():
        response = render("errors/_alert.html", status, heading=heading, message=message)
        # Announced in the page's alert region, never swapped over a field.
        response.headers["HX-Retarget"] = "#wizard-alert"
        response.headers["HX-Reswap"] = "innerHTML"
    else:
        # In the embed the page says "problem" as a step does its name, so that embed.js brings it
        # into view and focuses its heading, as after any step change.
        response = render(
            "errors/problem.html", status, heading=heading, message=message, step="problem"
        )
    response.headers.update(headers or {})
    return response


@errors.renderer("/register")
@errors.renderer("/t/")
def fault_page(error: FaultError):
    first = error.faults[0]
    if first.code == 91004:
        heading, message = gettext("Too many attempts"), i18n.waiting(error.headers)
    else:
        heading, message = TROUBLE.get(
            first.code, (N_("There is a problem"), N_("Go back to the form and try again."))
        )
        heading, message = gettext(heading), gettext(message)
    return _trouble(error.status, heading, message, error.headers)


@errors.page_renderer("/register")
@errors.page_renderer("/t/")
def http_error_page(error):
    heading, message = errors.PAGE_TROUBLE.get(
        error.code, (N_("There is a problem"), error.description)
    )
    return _trouble(error.code, gettext(heading), gettext(message), errors.allow_header(error))

"""The console's blueprint: every page needs a signed-in operator but the sign-in and setup
pages; every answer is personal (no-store) and never framed (the service's default policy)."""

from flask import (
    Blueprint,
    abort,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf.csrf import CSRFError

from webapp.console import session
from webapp.console.operators import tenants_of
from webapp.http import errors
from webapp.http.same_site import cross_site
from webapp.i18n import N_, gettext, waiting

bp = Blueprint("console", __name__, url_prefix="/console")
PUBLIC = {"console.sign_in", "console.setup"}

DOORS = {
    "wizard": N_("Wizard"),
    "embed": N_("Embedded wizard"),
    "api": N_("JSON API"),
    "online_ordering": N_("Online-ordering API"),
    "web_store": N_("Web-store API"),
}
STEPS = {
    "account": N_("Account"),
    "verify": N_("Check your email"),
    "profile": N_("About you"),
    "address": N_("Address"),
    "consents": N_("Consents"),
    "done": N_("Account created"),
}


def door_label(door):
    return gettext(DOORS[door]) if door in DOORS else door


def step_label(step):
    return gettext(STEPS[step]) if step in STEPS else step


def _carries_nul():
    # PostgreSQL refuses NUL in text: such a value could only ever fail a query.
    values = [*(request.view_args or {}).values(), *request.args.values(), *request.form.values()]
    return any("\x00" in value for value in values if isinstance(value, str))


@bp.before_request
def guard():
    if _carries_nul():
        abort(400)
    if request.method == "POST" and cross_site(same_site_too=True):
        raise CSRFError("a post from another site")  # beside Flask-WTF's token (config.py)
    g.operator = session.current()
    if g.operator is None and request.endpoint not in PUBLIC:
        return redirect(url_for("console.sign_in"))
    return None


@bp.after_request
def personal(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def render(template, status=200, **context):
    operator = g.get("operator")
    return make_response(
        render_template(
            template,
            operator=operator,
            tenants=tenants_of(operator) if operator else [],
            door_label=door_label,
            step_label=step_label,
            **context,
        ),
        status,
    )


@errors.renderer("/console")
def fault_page(error):
    first = error.faults[0]
    response = render(
        "console/problem.html",
        error.status,
        heading=gettext("There is a problem"),
        # A rate limit says when to come back, in words (section 15), as the wizard's does.
        message=waiting(error.headers) if error.status == 429 else gettext(first.message),
    )
    response.headers.update(error.headers)
    return response


@errors.page_renderer("/console")
def http_error_page(error):
    if error.code == 404:
        heading, message = (
            N_("Page not found"),
            N_("Check the web address, or go back to the console."),
        )
    else:
        heading, message = errors.PAGE_TROUBLE.get(error.code, (N_("There is a problem"), None))
    response = render(
        "console/problem.html",
        error.code,
        heading=gettext(heading),
        message=gettext(message) if message else error.description,
    )
    response.headers.update(errors.allow_header(error))
    return response

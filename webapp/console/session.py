"""Who is signed in to the console: the operator's id in Flask's signed session cookie, with the
time of their last request. A session idle for 12 hours is over."""

import time

from flask import abort, g, session
from flask.sessions import SecureCookieSessionInterface

from webapp.console.models import Operator
from webapp.console.operators import tenants_of
from webapp.extensions import db
from webapp.tenants import registry

IDLE_SECONDS = 12 * 3600


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed cookie sessions, which only the console uses. Flask opens a session for
    every request and builds its signing serializer to do so; a request without the cookie (every
    wizard page, inline check and API call) gets an empty session without it, as it would anyway.
    """

    def open_session(self, app, request):
        if app.secret_key and (
            "HTTP_COOKIE" not in request.environ  # no cookie at all: none to parse
            or not request.cookies.get(self.get_cookie_name(app))
        ):
            return self.session_class()
        return super().open_session(app, request)


def sign_in(operator):
    session.clear()  # nothing of a session from before the sign-in survives it
    session["operator"] = operator.id
    session["epoch"] = operator.session_epoch
    session["seen"] = int(time.time())


def sign_out(operator):
    """End every session of `operator` (the caller commits), and this one's cookie."""
    operator.session_epoch += 1
    session.clear()


def current():
    """The signed-in operator, or None; each request counts as activity."""
    operator_id, seen = session.get("operator"), session.get("seen")
    # Only this service signs the cookie; the bounds keep even a value it never wrote (a key
    # leaked) from reaching the database as an integer it cannot hold.
    if not (type(operator_id) is int and 0 < operator_id < 2**31 and isinstance(seen, int)):
        return None
    now = int(time.time())
    if now - seen > IDLE_SECONDS:
        session.clear()
        return None
    operator = db.session.get(Operator, operator_id)
    if (
        operator is None
        or operator.enrolled_at is None  # reset since by create-operator
        or session.get("epoch", 0) != operator.session_epoch  # signed out since
    ):
        session.clear()
        return None
    session["seen"] = now
    return operator


def tenant(slug):
    """The tenant `slug` if the signed-in operator may see it; 404 otherwise, as for no tenant."""
    found = registry().get(slug)
    if found is None or found not in tenants_of(g.operator):
        abort(404)
    return found


def slugs():
    return [t.slug for t in tenants_of(g.operator)]

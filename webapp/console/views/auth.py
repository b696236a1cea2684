"""Signing in: the one-time setup page (password and TOTP enrolment), sign-in, sign-out."""

from flask import abort, g, redirect, request, url_for

from webapp.console import audit, operators, session
from webapp.console.blueprint import bp, render
from webapp.extensions import db, limiter
from webapp.i18n import gettext
from webapp.registration.passwords import unsafe

PASSWORD_MIN_LENGTH = 12
FIELD_MAX = 200
SIGN_IN_LIMIT = "10 per minute; 50 per hour"  # per client address


def _field(name):
    return (request.form.get(name) or "")[:FIELD_MAX]


@bp.route("/setup/<token>", methods=["GET", "POST"])
def setup(token):
    operator = operators.by_setup_token(token)
    if operator is None:
        return render("console/setup_expired.html", 404)
    problems = []
    if request.method == "POST":
        password, code = _field("password"), _field("code")
        if unsafe(password, PASSWORD_MIN_LENGTH, 3, (operator.email, operator.email)):
            problems.append(
                (
                    "#password",
                    gettext(
                        "Choose a password of at least %(count)s characters that is hard to guess",
                        count=PASSWORD_MIN_LENGTH,
                    ),
                )
            )
        elif not operators.enrol(operator, password, code):
            problems.append(
                ("#code", gettext("Enter the 6-digit code your authenticator app shows now"))
            )
        else:
            audit.write(operator.email, "enrolled")
            db.session.commit()
            return redirect(url_for("console.sign_in", enrolled=1), 303)
    return render(
        "console/setup.html",
        422 if problems else 200,
        problems=problems,
        setup_operator=operator,
        qr=operators.qr_svg(operator, gettext("QR code for your authenticator app")),
        secret=operators.totp(operator).secret,
    )


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
def sign_in():
    if g.operator is not None:
        return redirect(url_for("console.home"))
    problems = []
    if request.method == "POST":
        operator = operators.authenticate(_field("email"), _field("password"), _field("code"))
        if operator is not None:
            session.sign_in(operator)
            audit.write(operator.email, "signed in")
            db.session.commit()
            return redirect(url_for("console.home"), 303)
        db.session.commit()  # a refused sign-in as an operator is in the audit log
        problems.append(
            (
                "#email",
                gettext(
                    "The email, password or code is not right – check them and enter a new code"
                ),
            )
        )
    return render(
        "console/sign_in.html",
        422 if problems else 200,
        problems=problems,
        email=_field("email"),
        enrolled=request.args.get("enrolled") == "1",
    )


@bp.post("/sign-out")
def sign_out():
    audit.write(g.operator.email, "signed out")
    session.sign_out(g.operator)
    db.session.commit()
    return redirect(url_for("console.sign_in"), 303)


@bp.get("/")
def home():
    tenants = session.slugs()
    if len(tenants) == 1:
        return redirect(url_for("console.overview", slug=tenants[0]))
    if not tenants:
        abort(404)
    return render("console/home.html")

"""`GET /verify/<token>`, `GET /consent/confirm/<token>` and `GET|POST /consent/withdraw/<token>`.

Following a link is the action (a person clicks once), but a HEAD, which mail scanners send to
look at a link, changes nothing; a wrong, expired or spent link answers 400 with the meaning of
fault 91016 on a friendly page. A withdraw link also takes the POST that mail programs send for
one-click unsubscribing (RFC 8058).
"""

from flask import Blueprint, make_response, render_template, request

from webapp.extensions import db
from webapp.faults import BY_CODE
from webapp.http.headers import nonce
from webapp.i18n import N_, gettext
from webapp.outbox import webhook
from webapp.tenants import registry
from webapp.trust import email_links, opt_in

bp = Blueprint("links", __name__)
INVALID = BY_CODE[91016]


def _tenant_of(record):
    return registry().get(record.customer.tenant)


def _page(heading, message, status=200, tenant=None):
    """The page a link opens, in the branding of the tenant whose mail carried it (where the
    link was good: a bad one names none)."""
    response = make_response(
        render_template(
            "links/page.html",
            layout="base.html",
            tenant=tenant,
            nonce=nonce(),
            heading=gettext(heading),
            message=gettext(message),
        ),
        status,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _invalid():
    return _page(
        N_("This link cannot be used"),
        N_(
            "The link is wrong, has expired or has been used already. If you still need "
            "to, ask for a new one."
        ),
        INVALID.status,
    )


@bp.before_request
def looked_at_only():
    """A HEAD is a link checker's look (mail scanners send them before a person clicks): it is
    answered, but changes nothing, so that the person's own click is the one that acts."""
    if request.method == "HEAD":
        return "", 200, {"Cache-Control": "no-store"}
    return None


@bp.get("/verify/<token>")
def verify_email(token):
    customer, newly = email_links.verify(token)
    if customer is None:
        db.session.rollback()
        return _invalid()
    tenant = registry().get(customer.tenant)
    if newly:  # a link followed again says so too, announcing nothing
        db.session.refresh(customer)
        if tenant is not None:
            webhook(tenant, "customer.email_verified", customer)
    db.session.commit()
    return _page(
        N_("Email address confirmed"),
        N_("Thank you: your email address is confirmed. You can close this page."),
        tenant=tenant,
    )


def _consent_link(act, token, heading, message):
    """Follow a consent link: `act` (opt_in.confirm or opt_in.withdraw) on the record the token
    names, then the page saying so, or the invalid-link page if the token names none."""
    record = act(_tenant_of, token)
    db.session.commit()
    if record is None:
        return _invalid()
    return _page(heading, message, tenant=_tenant_of(record))


@bp.get("/consent/confirm/<token>")
def confirm_consent(token):
    return _consent_link(
        opt_in.confirm,
        token,
        N_("Choice confirmed"),
        N_(
            "Thank you: your choice is confirmed. You can withdraw it at any time with "
            "the link in the email."
        ),
    )


@bp.route("/consent/withdraw/<token>", methods=["GET", "POST"])
def withdraw_consent(token):
    return _consent_link(
        opt_in.withdraw,
        token,
        N_("Consent withdrawn"),
        N_("Your consent is withdrawn. We will not use it from now on."),
    )

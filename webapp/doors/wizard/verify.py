"""The wizard's verify step (contract section 12): the code mailed at the account step, the link
that carries it, and "Send a new code". The rules of codes are `webapp.trust.verification`'s."""

from datetime import UTC

from flask import g, redirect, request

from webapp import i18n
from webapp.console import funnel
from webapp.doors.wizard import guard
from webapp.doors.wizard.flow import VERIFY, heading
from webapp.doors.wizard.ownership import email_of, link_for, taken
from webapp.doors.wizard.pages import render
from webapp.doors.wizard.views import remember, route
from webapp.extensions import db
from webapp.faults import Fault
from webapp.i18n import N_, gettext
from webapp.trust import honeypot, mail_budget, verification

ENTER_CODE = N_("Enter the 6-digit code from the email we sent you")
WRONG_CODE = N_("The code is wrong or has expired – check the email, or send a new code")
# Not six digits: a slip of the fingers, told as such (no try of the code is spent on it).
CODE_FORMAT = N_("The code is 6 numbers – enter it as it is in the email")
# A wrong, spent or expired code is the contract's fault 91016, whose status the page keeps (an
# empty field is a field left out, 422 as on every step).
WRONG_CODE_STATUS = Fault(91016).status


def _then(visit):
    return "review" if _from_review() else visit.next_page(VERIFY)


def _from_review() -> bool:
    """Whether the person came from the review (a changed email): they go back there after."""
    return request.values.get("then") == "review"


def _here_again(visit, **values):
    """This step's address, still on the way back to the review where the person came from it."""
    return visit.step_url(VERIFY, **values, **({"then": "review"} if _from_review() else {}))


def _page(visit, error=None, status=200, filled=None):
    """The step; `filled`: the code its mailed link carried, just accepted, shown in its field."""
    email = email_of(visit)
    return remember(
        render(
            "wizard/verify.html",
            status,
            step=VERIFY,
            number=visit.pages.index(VERIFY) + 1,
            pages=len(visit.pages),
            heading=heading(VERIFY),
            back="account",  # where the email was typed, still on the way to the review
            back_values={"then": "review"} if _from_review() else {},
            problems=[("#code", error)] if error else [],
            error=error,
            email=email,
            verified=not visit.needs_code,
            filled=filled,
            clean_url=_here_again(visit),
            sent=request.args.get("sent") == "1",
            csrf=guard.token(visit.claimed),
            then=_from_review(),
        )
    )


def _away(visit):
    """Where a visit that cannot be on this step goes instead."""
    if visit.completed:
        return redirect(visit.step_url("done"), 303)
    return redirect(visit.step_url(visit.first_open_page()), 303)


def _here(visit):
    return (
        not visit.completed
        and visit.draft is not None
        and verification.applies(visit.tenant)
        and visit.first_open_page() != "account"
    )


def _elsewhere(visit, proved=None):
    """Where a post to this step goes instead, if anywhere: away when the visit cannot be on the
    step, and on to the page `proved` (else the one after this step) when the email is proved
    already."""
    if not _here(visit):
        return _away(visit)
    if not visit.needs_code:
        honeypot.watch(visit.draft, request.form)
        db.session.commit()
        return redirect(visit.step_url(proved or _then(visit)), 303)
    return None


@route("/verify", "verify", ["GET"])
def show(slug, mode):
    visit = g.visit
    if not _here(visit):
        return _away(visit)
    code = request.args.get("code")
    if code is not None and request.method == "HEAD":
        code = None  # a mail scanner's look at the link proves nothing, nor spends a try
    if code is not None:  # the mailed link: the step with its code filled in and accepted
        if not visit.needs_code:  # followed again: the page says the address is confirmed
            return redirect(_here_again(visit), 303)
        if not verification.accept(visit.draft, email_of(visit), code):
            return redirect(_here_again(visit, wrong=1), 303)  # the fault, without the code
        funnel.record(visit, funnel.VERIFIED)
        # Spent now, the code may stay in this address: a reload says "confirmed", and the
        # wizard's script takes it out of the address bar.
        return _page(visit, filled=code.strip())
    error = gettext(WRONG_CODE) if request.args.get("wrong") == "1" and visit.needs_code else None
    return _page(visit, error, WRONG_CODE_STATUS if error else 200)


@route("/verify", "check_code", ["POST"])
def check_code(slug, mode):
    visit = g.visit
    elsewhere = _elsewhere(visit)
    if elsewhere is not None:
        return elsewhere
    code = request.form.get("code", "")
    if not code.strip():
        return _page(visit, gettext(ENTER_CODE), 422)
    if verification.as_typed(code) is None:  # a slip of the fingers: no try spent
        return _page(visit, gettext(CODE_FORMAT), WRONG_CODE_STATUS)
    if not verification.accept(visit.draft, email_of(visit), code):
        return _page(visit, gettext(WRONG_CODE), WRONG_CODE_STATUS)
    honeypot.watch(visit.draft, request.form)
    db.session.commit()
    funnel.record(visit, funnel.VERIFIED)
    return remember(redirect(visit.step_url(_then(visit)), 303))


@route("/verify/new", "new_code", ["POST"])
def new_code(slug, mode):
    visit = g.visit
    elsewhere = _elsewhere(visit, proved=VERIFY)
    if elsewhere is not None:
        return elsewhere
    if verification.new_codes_left(visit.draft) == 0:
        reset_at = verification.next_new_code_at(visit.draft).replace(tzinfo=UTC)
        raise mail_budget.refused(reset_at=reset_at.timestamp())
    email = email_of(visit)
    if not verification.issue(
        visit.tenant,
        visit.draft,
        email,
        link_for(visit),
        i18n.current(),
        taken=taken(visit, email),
        resent=True,
    ):
        db.session.rollback()
        raise mail_budget.refused(email)
    honeypot.watch(visit.draft, request.form)
    db.session.commit()
    return redirect(_here_again(visit, sent=1), 303)

"""What the wizard's other steps need of the verify step (contract section 12): queue a code when
the account step is saved, refuse later steps while the code is awaited, and tell "Create
account" when the draft proved its email."""

from flask import request

from webapp import i18n, registration
from webapp.faults import fault
from webapp.http.public_links import absolute
from webapp.trust import enumeration, mail_budget, verification


def email_of(visit):
    """The draft's address, without the spaces typed around it (the step keeps it as typed)."""
    return (visit.draft.answers.get("email") or [""])[0].strip()


def link_for(visit):
    """The link a code mail carries: this step, with the draft and the code (and, for an email
    changed from the review, the way back there)."""

    def link_for(code):
        values = {"draft": visit.token, "code": code}
        if visit.language:
            values["lang"] = visit.language
        if request.values.get("then") == "review":
            values["then"] = "review"
        return absolute(visit.url("verify", **values))

    return link_for


def taken(visit, email) -> bool:
    """Whether `email` is registered where the tenant may not say so: its owner is mailed the
    notice, never a code. The account step finds the same in its own check of the step."""
    found = registration.check_field(visit.tenant, "email", {"email": email}, visit.door)
    return enumeration.hides(visit.tenant, found)


def account_saved(visit, email, taken):
    """Queue the code (or, the address being taken, the owner's notice) for a saved account
    step, unless the draft has proved this email already; committed with the draft. When the
    address's mail budget is spent, 429 saying when to come back (nothing is saved), as the
    verify step would promise a code that is never sent; but not where the tenant hides whether
    an address is registered: the budget spent sooner would tell a taken one (its owner had mail
    from the API's verification link), so that step goes on and "Send a new code" says when."""
    tenant = visit.tenant
    if verification.applies(tenant) and verification.verified_at(visit.draft, email) is None:
        sent = verification.issue(
            tenant, visit.draft, email, link_for(visit), i18n.current(), taken
        )
        if not sent and not tenant.enumeration_safe:
            raise mail_budget.refused(email)


def refuse_unverified(visit):
    """A later step, the review or "Create account" of a draft whose email awaits its code."""
    if visit.needs_code:
        raise fault(91015)


def verified_at(visit):
    return (
        verification.verified_at(visit.draft, email_of(visit))
        if verification.applies(visit.tenant)
        else None
    )

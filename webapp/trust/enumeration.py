"""Enumeration-safe tenants (contract section 12): whether an email is registered never shows.

The wizard's account step, the inline check of the email and the public JSON API of such a tenant
answer a taken address exactly as a free one; the owner of a taken address is mailed a notice
instead. Credentialed callers are not concealed, nor is the username (public by nature), except
where it is an email address: the dialects' customers have their address as username, so a
username taken would tell of the address. Such a username must then be the person's own email
(registration.rules, `someone_elses_address`), and its being taken is concealed with the email's.
"""

from sqlalchemy import select

from webapp import outbox, registration
from webapp.extensions import db
from webapp.faults import FaultError
from webapp.forms.rules import email_key, is_email, normalize_username
from webapp.models import Customer
from webapp.registration.passwords import hash_secret
from webapp.trust import mail_budget

EMAIL_TAKEN = 91001
USERNAME_TAKEN = 90074


def hides(tenant, found, username=None) -> bool:
    """True where `found` says the email is taken, or the `username` where it is an email
    address, and the tenant may not say so."""
    if not tenant.enumeration_safe or found is None:
        return False
    return found.code == EMAIL_TAKEN or (
        found.code == USERNAME_TAKEN and bool(username) and is_email(normalize_username(username))
    )


def split_taken(tenant, faults, username=None):
    """The faults the tenant may show, and whether a taken email (or a taken username that is
    an email address) was among those it hides."""
    shown = [f for f in faults if not hides(tenant, f, username)]
    return shown, len(shown) != len(faults)


def notify_owner(tenant, email, language=None):
    """Queue "someone tried to create an account with your address" (the caller commits)."""
    if mail_budget.take(email):
        notice(tenant, email, language)


def notice(tenant, email, language=None):
    """Queue the notice to the owner of the taken `email`: to the address as they gave it (not as
    typed now: "ADA@EXAMPLE.COM" is their "ada@example.com"), in their language where they have
    one. The caller has taken the mail budget."""
    owner = db.session.execute(
        select(Customer.email, Customer.language).where(
            Customer.tenant == tenant.slug,
            Customer.email_unique_key == email_key(email),
            Customer.erased_at.is_(None),
        )
    ).first()
    to, theirs = (owner.email, owner.language) if owner is not None else (email, None)
    outbox.email(tenant, "address_in_use", to, theirs or language)


def register_pending(tenant, answers, door, caller, prior=(), options=None):
    """Register for the public JSON API of an enumeration-safe tenant: a free email stores the
    customer (unverified, its link mailed), a taken one mails the owner the notice; the caller
    answers both alike. Other faults are raised as ever, without the taken email's."""
    try:
        registration.register(tenant, answers, door, caller, prior=prior, options=options)
    except FaultError as error:
        shown, taken = split_taken(tenant, error.faults, answers.get("username"))
        if shown or not taken:
            raise FaultError(shown or error.faults, error.headers) from None
        hash_secret(answers.get("password") or "")  # the work a free address costs
        notify_owner(tenant, answers.get("email"), options and options.language)
        db.session.commit()

"""The mailed link that verifies a customer's email (contract section 12): for customers stored
through the JSON API or a dialect of a tenant with `verify_email = "code"`.

`GET /verify/<token>`: the token is signed, names the customer and a keyed hash of the address it
was sent to (a link is a URL, which mail scanners and logs keep, so never the address itself), and
is valid for 7 days; it is spent once the customer is verified (or the email changed).
"""

import hmac
from datetime import timedelta

from flask import url_for
from itsdangerous import BadData
from sqlalchemy import select, update

from webapp import outbox
from webapp.extensions import db
from webapp.forms.rules import email_key
from webapp.http.public_links import absolute
from webapp.models import Customer, utcnow
from webapp.trust import mail_budget
from webapp.trust.keys import keyed_hash, seal, signer

LIFETIME = timedelta(days=7)
PURPOSE = "email verification"


def _sent_to(email) -> str:
    """The address in the token: 128 bits of its keyed hash, enough to tell it changed."""
    return keyed_hash(PURPOSE, email_key(email))[:32]


def mail_link(tenant, customer) -> bool:
    """Queue the verification mail for a flushed customer (the caller commits); False when the
    address's mail budget is spent, and nothing is queued."""
    if not mail_budget.take(customer.email):
        return False
    token = signer(PURPOSE).dumps({"c": customer.id, "e": _sent_to(customer.email)})
    link = absolute(url_for("links.verify_email", token=token))
    outbox.email(
        tenant,
        "verification_link",
        customer.email,
        customer.language,
        customer.id,
        sealed=seal({"link": link}),
    )
    return True


def verify(token) -> tuple[Customer | None, bool]:
    """The customer a genuine, live token names, verified, and whether this call verified them
    (False for a link followed again, by the person or a mail scanner before them); (None,
    False) for any other token, and for one sent to an address the customer no longer has."""
    try:
        named = signer(PURPOSE).loads(token, max_age=int(LIFETIME.total_seconds()))
    except BadData:
        return None, False
    if not isinstance(named, dict) or not isinstance(named.get("c"), str):
        return None, False
    customer = db.session.execute(
        select(Customer).where(Customer.id == named["c"])
    ).scalar_one_or_none()
    sent_to = named.get("e")
    if customer is None or not customer.email or not isinstance(sent_to, str):
        return None, False
    if not hmac.compare_digest(_sent_to(customer.email).encode(), sent_to.encode()):
        return None, False
    # Guarded, so that of two clicks at once only one verifies (and announces) the customer.
    verified = db.session.execute(
        update(Customer)
        .where(Customer.number == customer.number, Customer.email_verified_at.is_(None))
        .values(email_verified_at=utcnow())
    ).rowcount
    return customer, verified == 1

"""Loyalty cards (contract section 7): link an imported account by email, or issue a virtual
card."""

import secrets

from sqlalchemy import select

from webapp.extensions import db
from webapp.forms.rules import email_key
from webapp.models import LoyaltyAccount

CARD_PREFIX = "6"
CARD_LENGTH = 16


def luhn_check_digit(digits: str) -> str:
    total = 0
    # Double every second digit from the right, counting the check digit still to come.
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    return number.isdigit() and luhn_check_digit(number[:-1]) == number[-1]


def new_card_number() -> str:
    body = CARD_PREFIX + "".join(secrets.choice("0123456789") for _ in range(CARD_LENGTH - 2))
    return body + luhn_check_digit(body)


def assign(tenant, customer, linking: bool, stored_value: bool) -> LoyaltyAccount | None:
    """Give the customer a loyalty card, and a stored-value card when asked; the imported account
    linked, if any, which the caller points at the customer once it is stored (`link`)."""
    account = None
    if linking:
        account = db.session.execute(
            select(LoyaltyAccount)
            .where(
                LoyaltyAccount.tenant == tenant.slug,
                LoyaltyAccount.email_key == email_key(customer.email),
                LoyaltyAccount.customer_number.is_(None),
            )
            .limit(1)
        ).scalar_one_or_none()
    if account is not None:
        customer.loyalty_card_number = account.card_number
    else:
        customer.loyalty_card_number = new_card_number()
    if stored_value:
        customer.stored_value_card_number = new_card_number()
    return account


def link(account, customer):
    """Point the linked imported account at the stored customer (written with the session)."""
    account.customer_number = customer.number

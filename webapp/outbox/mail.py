"""Account emails (contract section 11): build the message from templates/email/ and send it over
SMTP, or, with no MAIL_SERVER, write it as an .eml file under the instance folder.
"""

import os
import smtplib
from email import policy
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from pathlib import Path

from email_validator import validate_email
from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select

from webapp.extensions import db
from webapp.i18n import N_, SOURCE, gettext, supported
from webapp.models import Customer
from webapp.trust.keys import unseal

SMTP_TIMEOUT = 30  # seconds for each exchange with the mail server
MAIL_FOLDER = "outbox-mail"
SUBJECTS = {
    "account_created": N_("Your %(tenant)s account"),
    "verification_code": N_("Your %(tenant)s confirmation code"),
    "verification_link": N_("Confirm your email address for %(tenant)s"),
    "address_in_use": N_("Someone tried to sign up to %(tenant)s with your email address"),
    "consent_confirmation": N_("Confirm your choice for %(tenant)s"),
}


# A part that is not ASCII is written quoted-printable (or base64), which every mail server takes:
# raw 8-bit text would need BODY=8BITMIME, which smtplib declares only for addresses that are not
# ASCII. Lines up to RFC 5322's limit of 998: a header too long for 78 with no space to fold at
# (List-Unsubscribe's link) would otherwise be written as an RFC 2047 encoded word, which no mail
# program reads as a link.
SEVEN_BIT = policy.default.clone(cte_type="7bit", max_line_length=998)


def build(tenant, message_id, payload):
    """The email an outbox message asks for, in the customer's language where there is a
    catalogue for it (else English). It never holds a password: only the stored customer (whose
    password exists only as a hash) and the tenant feed the templates."""
    with force_locale(supported(payload.get("language")) or SOURCE):
        return _build(tenant, message_id, payload)


def _build(tenant, message_id, payload):
    template = payload["template"]
    # Sealed fields (a code, a link that carries one) are opened only to write the mail.
    context = {"tenant": tenant, **unseal(payload.get("sealed"))}
    if "customerId" in payload:
        customer = db.session.execute(
            select(Customer).where(
                Customer.id == payload["customerId"], Customer.tenant == tenant.slug
            )
        ).scalar_one_or_none()
        if customer is None:
            raise LookupError(f"customer {payload['customerId']} is not in tenant '{tenant.slug}'")
        context["customer"] = customer
    sender = current_app.config["MAIL_FROM"]
    name = gettext(tenant.name)  # the built-in "Registration" is translated

    email = EmailMessage(policy=SEVEN_BIT)
    email["Subject"] = gettext(SUBJECTS[template], tenant=name)
    email["From"] = formataddr((name, sender))
    email["To"] = payload["to"]
    if tenant.support_email:
        # The ASCII form: a domain in Unicode would be an encoded word, which is no address.
        email["Reply-To"] = validate_email(
            tenant.support_email, check_deliverability=False
        ).ascii_email
    email["Date"] = formatdate(usegmt=True)
    # Stable across retries, so that a mail system that sees it twice can tell.
    email["Message-ID"] = f"<{message_id}@{sender.rpartition('@')[2] or 'localhost'}>"
    if "withdraw_link" in context:  # mail programs offer it as one-click unsubscribing
        email["List-Unsubscribe"] = f"<{context['withdraw_link']}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.set_content(render_template(f"email/{template}.txt", **context))
    email.add_alternative(render_template(f"email/{template}.html", **context), subtype="html")
    return email


def deliver(tenant, message_id, payload):
    email = build(tenant, message_id, payload)
    config = current_app.config
    if config["MAIL_SERVER"]:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=SMTP_TIMEOUT) as smtp:
            smtp.send_message(email)
    else:
        write_eml(email, message_id)


def mail_folder() -> Path:
    return Path(current_app.instance_path) / MAIL_FOLDER


def write_eml(email, message_id):
    """Write the email as <message id>.eml; a retry overwrites rather than duplicates it."""
    folder = mail_folder()
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{message_id}.part"
    # An address that is not ASCII is written as UTF-8 (RFC 6532), as smtplib sends it with
    # SMTPUTF8: an encoded word inside an address is no address.
    partial.write_bytes(email.as_bytes(policy=email.policy.clone(utf8=not email["To"].isascii())))
    os.replace(partial, folder / f"{message_id}.eml")  # readers never see half a file

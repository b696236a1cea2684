"""What proof of ownership adds when the service stores a customer (contract section 12):
`prepare` before the customer is flushed, `announce` after (in the same transaction)."""

import logging

from webapp.trust import email_links, opt_in, verification

log = logging.getLogger(__name__)


def prepare(tenant, customer, records, verified_at=None):
    """The email counts as verified only where the door proved it (the wizard's code); the
    customer's consent `records` get their status and evidence."""
    customer.email_verified_at = verified_at
    opt_in.prepare(tenant, records)


def announce(tenant, customer):
    """Queue the verification link where the address is still unproved, and the confirmation
    mails of double opt-in consents."""
    if verification.applies(tenant) and customer.email_verified_at is None:
        if not email_links.mail_link(tenant, customer):
            # Stored all the same (the door's caller gets its answer); an operator can resend the
            # link from the console once the budget frees a mail. No address in the log.
            log.warning(
                "verification link for customer %s not mailed: the address's mail budget is spent",
                customer.id,
                extra={"fields": {"customer_id": customer.id, "tenant": tenant.slug}},
            )
    opt_in.mail_confirmations(tenant, customer)

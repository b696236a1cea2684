"""What proof of ownership adds when the service stores a customer (contract section 12):
`prepare` before the customer is flushed, `announce` after (in the same transaction)."""

from webapp.trust import email_links, opt_in, verification


def prepare(tenant, customer, records, verified_at=None):
    """The email counts as verified only where the door proved it (the wizard's code); the
    customer's consent `records` get their status and evidence."""
    customer.email_verified_at = verified_at
    opt_in.prepare(tenant, records)


def announce(tenant, customer):
    """Queue the verification link where the address is still unproved, and the confirmation
    mails of double opt-in consents."""
    if verification.applies(tenant) and customer.email_verified_at is None:
        email_links.mail_link(tenant, customer)
    opt_in.mail_confirmations(tenant, customer)

"""Throwaway mail domains (contract section 13): refused for tenants that ask for it.

The list is the `disposable-email-domains` package's, plus the tenant's `blocked_email_domains`,
minus its `allowed_email_domains`. A subdomain counts as its domain: the most specific listed
domain an address falls under decides, so a tenant may allow `staff.throwaway.example` while
`throwaway.example` stays blocked. The tenant's own blocked domains apply even without
`block_disposable_email`: an operator who lists a domain wants it refused.
"""

from disposable_email_domains import blocklist
from email_validator import EmailNotValidError, validate_email

from webapp.faults import BY_CODE, Fault
from webapp.forms.rules import Problem
from webapp.i18n import N_

KEEP = N_("Use an email address you will keep")


def _suffixes(domain):
    """`a.b.example` → `a.b.example`, `b.example`, `example`."""
    labels = domain.split(".")
    return (".".join(labels[index:]) for index in range(len(labels)))


def _domain(email):
    """The domain as the address's validation reads it: full-width letters, an ideographic full
    stop and capitals are the ASCII domain they stand for (`ｍailinator。com` is mailinator.com)."""
    try:
        domain = validate_email(email, check_deliverability=False).ascii_domain
    except EmailNotValidError:  # refused by its own rule; the text as written decides here
        domain = email.rpartition("@")[2]
    return domain.strip().rstrip(".").lower()


def refused(tenant, email: str) -> bool:
    """True if the address is at a domain (or under a domain) the tenant refuses."""
    if not (tenant.block_disposable_email or tenant.blocked_email_domains):
        return False
    domain = _domain(email)
    for suffix in _suffixes(domain):
        if suffix in tenant.allowed_email_domains:
            return False
        if suffix in tenant.blocked_email_domains or (
            tenant.block_disposable_email and suffix in blocklist
        ):
            return True
    return False


def fault() -> Fault:
    """91018 on the email; a person is told what to do instead."""
    return Fault(91018, "email", Problem(BY_CODE[91018].message, 91018, person=KEEP))

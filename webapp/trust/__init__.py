"""Trust in who signs up, all self-hosted: proof of ownership (contract section 12: email
verification by code and by link, enumeration-safe sign-up, double opt-in consents with their
evidence) and abuse defence (section 13: the wizard's honeypot and pace, proof of work, throwaway
addresses, breached passwords). Nothing here calls out of the service."""


def init_app(app):
    """Load the breached-password filter once for this process, so that a missing or broken
    BREACHED_PASSWORDS_FILE stops the start-up rather than a registration."""
    from webapp.trust import breached

    path = app.config.get("BREACHED_PASSWORDS_FILE")
    if path:
        breached.load(str(path))

"""Abuse defence, all self-hosted (contract section 13): the honeypot and pace of the wizard,
proof of work, throwaway addresses and breached passwords. Nothing here calls out of the service."""


def init_app(app):
    """Load the breached-password filter once for this process, so that a missing or broken
    BREACHED_PASSWORDS_FILE stops the start-up rather than a registration."""
    from webapp.trust import breached

    path = app.config.get("BREACHED_PASSWORDS_FILE")
    if path:
        breached.load(str(path))

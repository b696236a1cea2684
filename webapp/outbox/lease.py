"""How long a worker holds the messages it claimed before another worker may take them
(docs/production.md): long enough for every attempt of the batch, one after another, to end by
its own timeout, so that a living worker is never overtaken; no longer, so that the messages of a
worker that died wait as little as they can.

One attempt of each kind ends within:
- webhook: WEBHOOK_TIMEOUT, the whole exchange (a timer cuts it);
- email: SMTP_TIMEOUT for each exchange of one message with MAIL_SERVER (greeting, EHLO, MAIL,
  RCPT, DATA, the message, QUIT); without a mail server, the message is written to a file.
`OUTBOX_LEASE_SECONDS`, when set, replaces the derived value.
"""

from webapp.outbox import mail as mailer

SMTP_EXCHANGES = 7
FILE_SECONDS = 5
MARGIN_SECONDS = 30  # the database round trips around the attempts


def attempt_seconds(config) -> dict:
    """The longest one attempt of each kind may take."""
    email = SMTP_EXCHANGES * mailer.SMTP_TIMEOUT if config["MAIL_SERVER"] else FILE_SECONDS
    return {"webhook": config["WEBHOOK_TIMEOUT"], "email": email}


def lease_seconds(config, kinds) -> int:
    """The lease of a batch of messages of `kinds` (one entry per message)."""
    if config.get("OUTBOX_LEASE_SECONDS"):
        return config["OUTBOX_LEASE_SECONDS"]
    bounds = attempt_seconds(config)
    longest = max(bounds.values())  # a kind without a sender fails at once; never under-bound
    return sum(bounds.get(kind, longest) for kind in kinds) + MARGIN_SECONDS

"""The mails the outbox holds, read as the worker would write them."""

import re

from webapp.extensions import db
from webapp.models import OutboxMessage
from webapp.outbox import mail
from webapp.tenants import registry


def mails(app, to=None):
    """Every queued mail (to `to`, if given), oldest first, as an EmailMessage."""
    with app.app_context():
        rows = (
            db.session.query(OutboxMessage)
            .filter_by(kind="email")
            .order_by(OutboxMessage.created_at)
            .all()
        )
        return [
            mail.build(registry().get(row.tenant), row.id, row.payload)
            for row in rows
            if to is None or row.payload["to"] == to
        ]


def text(message):
    return message.get_body(("plain",)).get_content()


def code_in(message):
    return re.search(r"^(\d{6})$", text(message), re.M).group(1)


def link_in(message, path_part):
    return re.search(rf"http://\S*{re.escape(path_part)}\S*", text(message)).group(0)

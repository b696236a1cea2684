"""Finding a tenant's customers by id, customer number, email or username: each an exact match
on an index (never a scan), and the tenant's newest customers a page at a time."""

import uuid

from sqlalchemy import or_, select

from webapp.extensions import db
from webapp.forms.rules import email_key, username_key
from webapp.models import Customer

PAGE = 25
QUERY_MAX = 200


def find(tenant, query, before=None):
    """(customers, the `before` of the next page or None)."""
    query = (query or "").strip()[:QUERY_MAX]
    statement = select(Customer).where(Customer.tenant == tenant.slug)
    if query:
        statement = statement.where(or_(*_matches(tenant, query)))
    if before is not None:
        statement = statement.where(Customer.number < before)
    found = db.session.scalars(statement.order_by(Customer.number.desc()).limit(PAGE + 1)).all()
    more = found[PAGE - 1].number if len(found) > PAGE else None
    return found[:PAGE], more


def _matches(tenant, query):
    matches = [Customer.username_key == username_key(query)]
    if "@" in query:
        matches.append(
            Customer.email_unique_key == email_key(query)
            if tenant.unique_email
            else Customer.email == query
        )
    if query.isascii() and query.isdigit() and len(query) < 19:
        matches.append(Customer.tenant_number == int(query))  # its customerNumber
    try:
        matches.append(Customer.id == str(uuid.UUID(query)))
    except ValueError:
        pass
    return matches

"""Customer numbers (contract section 15): each tenant counts its own from 1, and a number once
given never changes.

A counter row per tenant holds the last number given. Taking the next one is a single UPDATE in
the registration's own transaction: the database's row lock (PostgreSQL) or write lock (SQLite)
makes racing registrations of one tenant wait for each other's commit, so no two get the same
number, and a registration that rolls back gives its number back. A tenant's first counter row
starts after the highest number its customers already have.
"""

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from webapp.extensions import db
from webapp.models import Customer, CustomerCounter

COUNTER = CustomerCounter.__table__
INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
# Built once; run as Core on the session's connection (its transaction), without the ORM's
# execution of a statement that loads no objects.
TAKE = (
    update(COUNTER)
    .where(COUNTER.c.tenant == bindparam("slug"))
    .values(last=COUNTER.c.last + 1)
    .returning(COUNTER.c.last)
)


def _take(slug):
    return db.session.connection().execute(TAKE, {"slug": slug}).scalar()


def _start_counting(slug):
    highest = (
        select(func.coalesce(func.max(Customer.tenant_number), 0))
        .where(Customer.tenant == slug)
        .scalar_subquery()
    )
    insert = INSERTS[db.session.get_bind().dialect.name]
    # A racing first registration of the tenant may insert it first: then this does nothing.
    db.session.execute(
        insert(COUNTER)
        .values(tenant=slug, last=highest)
        .on_conflict_do_nothing(index_elements=[COUNTER.c.tenant])
    )


def next_number(slug: str) -> int:
    """The tenant's next customer number, taken in the current transaction."""
    number = _take(slug)
    if number is None:
        _start_counting(slug)
        number = _take(slug)
    return number

"""Keeping the overview's daily counts (models.py) in step with the rows they count.

A new customer adds one to its tenant's day and door in the customer's own transaction; a
wizard page shown for a draft adds one to the day's funnel the first time that draft reaches
that step. `rebuild` recounts everything from the rows (after a bulk load, or in a migration).
"""

from functools import cache

from sqlalchemy import event, func, insert, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from webapp.console.models import DailyFunnel, DailyRegistrations, StepEvent
from webapp.models import Customer

DIALECT_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def add_one(connection, model, counter, **keys):
    """`counter` + 1 on the row of `keys`, made at 1 if missing: one statement, race-free."""
    statement = _add_one_statement(connection.dialect.name, model.__table__, counter)
    connection.execute(statement, {**keys, counter: 1})


@cache
def _add_one_statement(dialect, table, counter):
    # Built once per table and counter (the keys come as parameters): a registration's rollup
    # then costs the statement's execution alone.
    return DIALECT_INSERTS[dialect](table).on_conflict_do_update(
        index_elements=[c.name for c in table.primary_key.columns],
        set_={counter: table.c[counter] + 1},
    )


def insert_once(connection, model, **values) -> bool:
    """Insert a row unless a unique constraint already holds it; True when inserted."""
    statement = DIALECT_INSERTS[connection.dialect.name](model.__table__).values(**values)
    # RETURNING rather than rowcount, which a driver may not report for this statement.
    inserted = statement.on_conflict_do_nothing().returning(literal(1))
    return connection.execute(inserted).first() is not None


def registered(connection, customer):
    """Count a customer just inserted (in its transaction, on its `connection`)."""
    add_one(
        connection,
        DailyRegistrations,
        "count",
        tenant=customer.tenant,
        day=customer.created_at.date(),
        door=customer.door,
    )


@event.listens_for(Customer, "after_insert")
def _registered(mapper, connection, customer):
    # Customers the session inserts; the registration's own Core INSERT calls `registered`.
    registered(connection, customer)


def rebuild(connection):
    """Recount both rollups from the customers and step events."""
    connection.execute(DailyRegistrations.__table__.delete())
    connection.execute(DailyFunnel.__table__.delete())
    day = func.date(Customer.created_at)
    connection.execute(
        insert(DailyRegistrations).from_select(
            ["tenant", "day", "door", "count"],
            select(Customer.tenant, day, Customer.door, func.count()).group_by(
                Customer.tenant, day, Customer.door
            ),
        )
    )
    connection.execute(
        insert(DailyFunnel).from_select(
            ["tenant", "day", "door", "step", "drafts"],
            select(
                StepEvent.tenant, StepEvent.day, StepEvent.door, StepEvent.step, func.count()
            ).group_by(StepEvent.tenant, StepEvent.day, StepEvent.door, StepEvent.step),
        )
    )

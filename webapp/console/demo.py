"""Made-up customers and wizard step events for trying the console (`flask --app webapp
demo-data`) and for the overview's benchmark: drafts walk the wizard's steps and give up along
the way as people do, the ones that finish become customers, beside customers of the machine
doors. Rows are loaded in bulk (COPY on PostgreSQL), then the daily rollups are recounted.
"""

import random
import uuid
from datetime import datetime, time, timedelta

from sqlalchemy import delete, func, select, text

from webapp.console.models import StepEvent
from webapp.console.rollups import rebuild
from webapp.models import Customer, CustomerCounter, utcnow

# The chance that a draft whose last step was saved saves the next one ("done": creates the
# customer); every draft has saved the account step.
CONTINUES = {"profile": 0.75, "address": 0.90, "consents": 0.93, "done": 0.88}
WIZARD_SHARE = 0.8  # of customers; the rest came through the JSON API and the dialects
MACHINE_DOORS = (("api", 0.6), ("online_ordering", 0.2), ("web_store", 0.2))
STORED = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy keeps a datetime in SQLite; PostgreSQL reads it
BATCH = 50_000


def _load(connection, table, columns, rows):
    """Insert `rows` (tuples of `columns`) in bulk; returns how many."""
    raw = connection.connection.driver_connection
    count = 0
    cursor = raw.cursor()
    try:
        if connection.dialect.name == "postgresql":
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        statement = (
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        )
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                cursor.executemany(statement, batch)
                count += len(batch)
                batch.clear()
        cursor.executemany(statement, batch)
        return count + len(batch)
    finally:
        cursor.close()


def _moment(rng, now, days):
    """A time on one of the last `days` days (today up to now), busier lately and on weekdays."""
    while True:
        back = rng.randrange(days)
        start = datetime.combine(now.date() - timedelta(days=back), time())
        length = (now - start).total_seconds() if back == 0 else 86400
        moment = start + timedelta(seconds=rng.random() * length)
        weight = (1.0 - 0.5 * back / days) * (0.7 if moment.weekday() >= 5 else 1.0)
        if rng.random() < weight:
            return moment


def populate(connection, tenant, customers, days=30, consents=("terms", "privacy"), seed=1):
    """Add about `customers` customers to `tenant` and the step events of their drafts;
    return (customers added, step events added)."""
    rng = random.Random(seed)
    now = utcnow()
    first = (connection.execute(select(func.max(Customer.number))).scalar() or 0) + 1
    first_of_tenant = (
        connection.execute(
            select(func.max(Customer.tenant_number)).where(Customer.tenant == tenant)
        ).scalar()
        or 0
    ) + 1
    run = uuid.uuid4().hex[:6]
    people, events = [], []
    wizard_customers = int(customers * WIZARD_SHARE)
    while len(people) < wizard_customers:
        door = "wizard" if rng.random() < 0.8 else "embed"
        started = _moment(rng, now, days)
        draft = uuid.uuid4().hex
        events.append((tenant, door, "account", "saved", started.date().isoformat(), draft))
        moment = started
        for step, chance in CONTINUES.items():
            if rng.random() >= chance:
                break
            moment = min(moment + timedelta(seconds=rng.randint(20, 240)), now)
            events.append(
                (
                    tenant,
                    door,
                    step,
                    "created" if step == "done" else "saved",
                    moment.date().isoformat(),
                    draft,
                )
            )
        else:
            people.append((moment, door))
    for _ in range(customers - len(people)):
        door = rng.choices([d for d, _ in MACHINE_DOORS], [w for _, w in MACHINE_DOORS])[0]
        people.append((_moment(rng, now, days), door))
    people.sort(key=lambda person: person[0])

    def customer_rows():
        for index, (moment, door) in enumerate(people):
            name = f"demo{run}_{index}"
            yield (
                first + index,
                first_of_tenant + index,
                str(uuid.uuid4()),
                tenant,
                name,
                name.casefold(),
                f"{name}@example.com",
                f"{name}@example.com",
                "Mx",
                "Demo",
                f"Customer {index}",
                "[]",
                "Standard",
                "GBP",
                '["email"]',
                "USER" if door == "api" else "CUSTOMER",
                door,
                "{}",
                moment.strftime(STORED),
            )

    added = _load(
        connection,
        "customer",
        (
            "number",
            "tenant_number",
            "id",
            "tenant",
            "username",
            "username_key",
            "email",
            "email_unique_key",
            "title",
            "forename",
            "surname",
            "custom_attributes",
            "customer_type",
            "currency",
            "contact_methods",
            "source",
            "door",
            "extra",
            "created_at",
        ),
        customer_rows(),
    )
    if consents:
        _load(
            connection,
            "consent_record",
            (
                "customer_number",
                "consent_id",
                "version",
                "granted_at",
                "door",
                "status",
                "confirmed_at",
            ),
            (
                (
                    first + index,
                    consent,
                    "1",
                    moment.strftime(STORED),
                    door,
                    "confirmed",
                    moment.strftime(STORED),
                )
                for index, (moment, door) in enumerate(people)
                for consent in consents
            ),
        )
    step_events = _load(
        connection,
        StepEvent.__tablename__,
        ("tenant", "door", "step", "event", "day", "draft"),
        iter(events),
    )
    if connection.dialect.name == "postgresql":  # bulk rows took numbers the sequence skipped
        connection.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('customer', 'number'), "
                "(SELECT max(number) FROM customer))"
            )
        )
    # The tenant's counter starts again after its highest number at its next registration.
    connection.execute(delete(CustomerCounter).where(CustomerCounter.tenant == tenant))
    rebuild(connection)
    return added, step_events

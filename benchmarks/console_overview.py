"""The console's overview of a big tenant: 1 million customers and 5 million wizard step events.

Builds the database in bulk (demo data: drafts walk the wizard and drop off, the finished ones
become customers, beside customers of the machine doors), then times the overview page as a
signed-in operator opens it, in process, on SQLite and (with --postgres URL) on PostgreSQL.

    python benchmarks/console_overview.py [--customers 1000000] [--postgres URL] [--keep DIR]

It prints the build time, the row counts and the median and worst of the page's render times.
"""

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from webapp import create_app
from webapp.console import operators
from webapp.console.demo import populate
from webapp.console.models import Operator, StepEvent
from webapp.database.schema import migrations
from webapp.extensions import db
from webapp.models import Customer, utcnow

RENDERS = 20
BUDGET_MS = 200


def _app(url, folder):
    # A second, empty tenant: its overview is the same page without the data.
    (Path(folder) / "tenants.toml").write_text("[tenants.default]\n[tenants.empty]\n")
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "benchmark",
            "TENANTS_FILE": str(Path(folder) / "tenants.toml"),
            "LOG_JSON": False,
            "RATELIMIT_ENABLED": False,
        }
    )


def _signed_in_client(app):
    with app.app_context():
        operator, _ = operators.create(f"bench-{uuid.uuid4().hex[:6]}@example.com")
        operator.enrolled_at = utcnow()
        db.session.commit()
        operator_id = db.session.scalar(
            sa.select(Operator.id).where(Operator.email == operator.email)
        )
    client = app.test_client()
    with client.session_transaction() as session:
        session["operator"], session["seen"] = operator_id, int(time.time())
    return client


def _render_times(client, paths):
    """For each path: (wall-clock ms, this process's CPU ms) of each render, the paths taken in
    turn so that both meet the same load; the first round fills Jinja's cache."""
    times = {path: ([], []) for path in paths}
    for _ in range(RENDERS + 1):
        for path in paths:
            started, processed = time.perf_counter(), time.process_time()
            response = client.get(path)
            times[path][0].append((time.perf_counter() - started) * 1000)
            times[path][1].append((time.process_time() - processed) * 1000)
            assert response.status_code == 200, response.status_code
    return [(wall[1:], cpu[1:]) for wall, cpu in times.values()]


def run(name, url, customers, folder):
    app = _app(url, folder)
    if url.startswith("postgresql"):
        with app.app_context():
            from flask_migrate import upgrade

            upgrade(directory=migrations(app).directory)
    with app.app_context():
        started = time.perf_counter()
        if not db.session.scalar(sa.select(sa.func.count()).select_from(Customer)):
            with db.engine.begin() as connection:  # a database kept from before is reused
                populate(connection, "default", customers, days=30, consents=())
        built = time.perf_counter() - started
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.execute(sa.text("VACUUM ANALYZE"))
        else:
            with db.engine.begin() as connection:
                connection.execute(sa.text("ANALYZE"))
        rows = db.session.scalar(sa.select(sa.func.count()).select_from(Customer))
        events = db.session.scalar(sa.select(sa.func.count()).select_from(StepEvent))
    client = _signed_in_client(app)
    big, empty = _render_times(client, ("/console/t/default", "/console/t/empty"))
    print(f"{name}: {rows} customers, {events} step events, built in {built:.0f} s")
    for label, (wall, cpu) in ((f"tenant of {rows} customers", big), ("empty tenant", empty)):
        print(
            f"  overview of the {label}: median {statistics.median(wall):.1f} ms "
            f"(worst {max(wall):.1f} ms; CPU {statistics.median(cpu):.1f} ms) of {RENDERS}"
        )
    verdict = "within" if statistics.median(big[0]) < BUDGET_MS else "OVER"
    print(f"  {verdict} {BUDGET_MS} ms")
    with app.app_context():
        db.engine.dispose()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument(
        "--postgres",
        help="a PostgreSQL URL whose server may host a new database (postgresql+psycopg://...)",
    )
    parser.add_argument(
        "--keep",
        help="a folder for the SQLite file; it and the PostgreSQL "
        "database console_overview_kept are kept afterwards "
        "and reused by the next run",
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = options.keep or temporary
        run("SQLite", f"sqlite:///{Path(folder) / 'overview.sqlite'}", options.customers, folder)
        if options.postgres:
            name = (
                "console_overview_kept"
                if options.keep
                else f"console_overview_{uuid.uuid4().hex[:8]}"
            )
            admin = sa.create_engine(options.postgres, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                if not connection.execute(
                    sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
                ).first():
                    connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
            try:
                url = sa.engine.make_url(options.postgres).set(database=name)
                run(
                    "PostgreSQL",
                    url.render_as_string(hide_password=False),
                    options.customers,
                    folder,
                )
            finally:
                if not options.keep:
                    with admin.connect() as connection:
                        connection.execute(
                            sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                        )
                admin.dispose()


if __name__ == "__main__":
    main()

"""Migrations: every revision up and down on an empty database (SQLite, and PostgreSQL where
reachable), ending in the schema the models describe; SQLite upgraded safely at start-up."""

import subprocess
import sys
import time

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from conftest import CUSTOMERS, valid_customer
from flask_migrate import downgrade, upgrade
from servers import ROOT, app_environment, postgres_database

from webapp import create_app
from webapp.database.schema import migrations
from webapp.extensions import db


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
    else:
        with postgres_database() as url:
            yield url


def current_revision():
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def schema_differences():
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def user_tables():
    return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def migrating(database_url, tmp_path):
    """An app on `database_url`, its migrations' directory and their Alembic script directory."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "TENANTS_FILE": str(tmp_path / "tenants.toml"),
        }
    )
    directory = migrations(app).directory
    with app.app_context():
        script = ScriptDirectory.from_config(migrations(app).migrate.get_config(directory))
    return app, directory, script


def test_every_revision_goes_up_and_down(empty_database, tmp_path):
    app, directory, script = migrating(empty_database, tmp_path)
    with app.app_context():
        revisions = [r.revision for r in reversed(list(script.walk_revisions()))]
        head = script.get_current_head()
        assert revisions[-1] == head

        upgrade(directory=directory)  # from empty (SQLite: already done by create_app)
        assert current_revision() == head
        assert schema_differences() == []

        downgrade(directory=directory, revision="base")
        assert current_revision() is None and user_tables() == set()

        for revision in revisions:  # each from the one before it
            upgrade(directory=directory, revision=revision)
            assert current_revision() == revision
        assert schema_differences() == []

        for previous in [None, *revisions[:-1]][::-1]:
            downgrade(directory=directory, revision="-1")
            assert current_revision() == previous
        assert user_tables() == set()
        db.engine.dispose()


# Each process builds the app on the same fresh SQLite files, at the same moments, round by round.
START_TOGETHER = """
import os, sys, time
from webapp import create_app
start = float(os.environ["START_AT"])
for database in sys.argv[1:]:
    time.sleep(max(0.0, start - time.time()))
    create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:///" + database})
    start += 0.5
"""


@pytest.mark.slow
def test_processes_starting_together_on_one_fresh_sqlite_file_all_come_up(tmp_path):
    databases = [str(tmp_path / f"round{i}.sqlite") for i in range(5)]
    env = app_environment(tmp_path, START_AT=time.time() + 4)
    del env["SECRET_KEY"]  # made once in the instance folder, by whichever process is first
    starting = [
        subprocess.Popen(
            [sys.executable, "-c", START_TOGETHER, *databases],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(8)
    ]
    outcomes = [(process.wait(timeout=120), process.stdout.read()) for process in starting]
    for process in starting:
        process.stdout.close()
    assert [code for code, _ in outcomes] == [0] * len(starting), "\n".join(
        out for _, out in outcomes
    )

    for database in databases:
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
                "SECRET_KEY": "test-secret-key",
                "TENANTS_FILE": str(tmp_path / "tenants.toml"),
            }
        )
        with app.app_context():
            assert current_revision() is not None and schema_differences() == []
            db.engine.dispose()


def stored_doors():
    with db.engine.connect() as connection:
        return [
            connection.execute(sa.text(f"SELECT door FROM {table}")).scalar_one()
            for table in ("customer", "consent_record")
        ]


def test_0003_renames_the_stored_door_values_and_back(empty_database, tmp_path):
    app, directory, script = migrating(empty_database, tmp_path)
    with app.app_context():
        renamed = script.get_revision("0003").module.RENAMED  # the doors' former names
        downgrade(directory=directory, revision="base")
        for old, new in renamed.items():
            upgrade(directory=directory, revision="0002")
            with db.engine.begin() as connection:
                connection.execute(
                    sa.text(
                        "INSERT INTO customer (number, id, tenant, username, username_key, email, "
                        "custom_attributes, customer_type, currency, contact_methods, source, "
                        "door, extra, created_at) VALUES (1, :id, 'default', 'ada', 'ada', "
                        "'ada@example.com', '[]', 'Standard', 'GBP', '[]', 'USER', :door, "
                        "'{}', :now)"
                    ),
                    {
                        "id": "00000000-0000-4000-8000-000000000001",
                        "door": old,
                        "now": "2026-12-06 00:00:00",
                    },
                )
                connection.execute(
                    sa.text(
                        "INSERT INTO consent_record (id, customer_number, consent_id, version, "
                        "granted_at, door) VALUES (1, 1, 'terms', '1', :now, :door)"
                    ),
                    {"door": old, "now": "2026-12-06 00:00:00"},
                )
            upgrade(directory=directory, revision="0003")
            assert stored_doors() == [new, new]
            downgrade(directory=directory, revision="0002")
            assert stored_doors() == [old, old]
            downgrade(directory=directory, revision="base")  # empty for the next door
        db.engine.dispose()


def email_keys():
    with db.engine.connect() as connection:
        found = connection.execute(
            sa.text("SELECT email, email_unique_key FROM customer ORDER BY number")
        )
        return [tuple(row) for row in found]


def test_0011_keys_emails_by_the_domain_the_dns_resolves(empty_database, tmp_path, caplog):
    app, directory, _ = migrating(empty_database, tmp_path)
    with app.app_context():
        upgrade(directory=directory)
        client = app.test_client()
        for number, email in enumerate(
            ("ada@example.com", "ada2@example.com", "bo@Bücher.de"), start=1
        ):
            body = valid_customer(username=f"user{number}", email=email)
            assert client.post(CUSTOMERS, json=body).status_code == 201
        with db.engine.begin() as connection:  # the second as typed in full width, keyed as before
            connection.execute(
                sa.text(
                    "UPDATE customer SET email = :email, email_unique_key = :key "
                    "WHERE email = 'ada2@example.com'"
                ),
                {"email": "ada@ＥＸＡＭＰＬＥ.com", "key": "ada@ｅｘａｍｐｌｅ.com"},
            )
            connection.execute(
                sa.text("UPDATE customer SET email_unique_key = 'bo@bücher.de' WHERE number = 3")
            )
        downgrade(directory=directory, revision="0010")
        assert [key for _, key in email_keys()] == [
            "ada@example.com",
            "ada@ｅｘａｍｐｌｅ.com",
            "bo@bücher.de",
        ]
        upgrade(directory=directory, revision="0011")
        # The full-width address is the first customer's mailbox: it keeps its key, and says so.
        assert [key for _, key in email_keys()] == [
            "ada@example.com",
            "ada@ｅｘａｍｐｌｅ.com",
            "bo@xn--bcher-kva.de",
        ]
        assert "customer 2 of tenant default keeps its email key" in caplog.text
        taken = client.post(CUSTOMERS, json=valid_customer(username="bo2", email="BO@bücher.DE"))
        assert taken.status_code == 409
        downgrade(directory=directory, revision="0010")
        assert [key for _, key in email_keys()][2] == "bo@bücher.de"
        db.engine.dispose()

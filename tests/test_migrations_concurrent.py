"""Two `flask db upgrade` at once on a fresh PostgreSQL database (two machines starting): both
succeed, one after the other, and the schema is at its head once."""

import threading

import pytest
import sqlalchemy as sa
from servers import app_environment, flask, postgres_database

pytestmark = pytest.mark.slow


def test_two_simultaneous_upgrades_both_succeed(tmp_path):
    with postgres_database() as url:
        outcomes = []

        def upgrade(name):
            try:
                flask(app_environment(tmp_path / name, DATABASE_URL=url), "db", "upgrade")
                outcomes.append("ok")
            except AssertionError as error:
                outcomes.append(str(error))

        for name in ("one", "two"):
            (tmp_path / name).mkdir()
        gate = threading.Barrier(2)
        threads = [
            threading.Thread(target=lambda n=n: (gate.wait(), upgrade(n))) for n in ("one", "two")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(180)
        assert outcomes == ["ok", "ok"], outcomes
        engine = sa.create_engine(url)
        try:
            with engine.connect() as connection:
                versions = connection.execute(sa.text("SELECT version_num FROM alembic_version"))
                assert len(versions.all()) == 1
                assert connection.execute(sa.text("SELECT count(*) FROM customer")).scalar() == 0
        finally:
            engine.dispose()

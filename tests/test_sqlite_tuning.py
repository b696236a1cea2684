"""SQLite shared by several workers: WAL, commits that do not wait for the disk, lock waits."""

import sqlalchemy as sa

from webapp import create_app
from webapp.database.sqlite import BUSY_TIMEOUT_MS, _tune, tune
from webapp.extensions import db


def _pragma(connection, name):
    return connection.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_every_sqlite_connection_is_tuned(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'tuned.sqlite'}",
            "TENANTS_FILE": str(tmp_path / "none.toml"),
        }
    )
    with app.app_context():
        try:
            with db.engine.connect() as first, db.engine.connect() as second:
                for connection in (first, second):
                    assert _pragma(connection, "journal_mode") == "wal"
                    assert _pragma(connection, "synchronous") == 1  # NORMAL
                    assert _pragma(connection, "busy_timeout") == BUSY_TIMEOUT_MS
        finally:
            db.engine.dispose()


def test_a_reader_is_not_blocked_by_an_open_write(tmp_path):
    """In WAL mode one worker reads while another is half-way through writing."""
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'wal.sqlite'}")
    tune(engine)
    try:
        with engine.begin() as setup:
            setup.exec_driver_sql("CREATE TABLE t (x INTEGER)")
            setup.exec_driver_sql("INSERT INTO t VALUES (1)")
        with engine.connect() as writer, engine.connect() as reader:
            writer.exec_driver_sql("BEGIN EXCLUSIVE")
            writer.exec_driver_sql("INSERT INTO t VALUES (2)")
            reader.exec_driver_sql("PRAGMA busy_timeout=0")  # fail at once rather than wait
            assert reader.exec_driver_sql("SELECT count(*) FROM t").scalar() == 1
            writer.rollback()
    finally:
        engine.dispose()


def test_other_databases_are_left_alone():
    engine = sa.create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    tune(engine)
    assert not sa.event.contains(engine, "connect", _tune)

"""SQLite as several gunicorn workers share it: write-ahead logging, and waiting for a lock.

In WAL mode readers never block the writer nor the writer them, and a commit appends to the log
instead of rewriting pages through a rollback journal. With `synchronous=NORMAL` a commit does not
wait for the disk: an application crash loses nothing, a power cut may roll back the last commits
(each whole, a customer with its outbox messages), never corrupt the file. `busy_timeout` makes a
connection that meets another worker's write lock wait for it instead of failing with "database
is locked". All three are set on every new connection; other databases are left alone.
"""

from sqlalchemy import event

BUSY_TIMEOUT_MS = 10_000  # well inside gunicorn's 30 s worker timeout

PRAGMAS = ("journal_mode=WAL", "synchronous=NORMAL", f"busy_timeout={BUSY_TIMEOUT_MS}")


def _tune(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    try:
        for pragma in PRAGMAS:
            cursor.execute(f"PRAGMA {pragma}")
    finally:
        cursor.close()


def engine_options(config) -> dict:
    """The configured engine options, but no ping before each use of a pooled SQLite connection:
    it is an open file, which no server restart or network can drop."""
    options = dict(config["SQLALCHEMY_ENGINE_OPTIONS"])
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        options.pop("pool_pre_ping", None)
    return options


def tune(engine):
    """Tune `engine`'s connections when it is SQLite."""
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _tune)

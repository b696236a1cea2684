"""Bringing the database schema up to date. On SQLite `create_app` does it itself.

Flask-Migrate and Alembic are imported only here, when migrations run (`migrations`): a worker
serving requests on PostgreSQL never imports them (9 MiB of each process's RSS).
"""

import fcntl
import logging
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.exc import OperationalError

from webapp.config import unusable_database
from webapp.extensions import db

log = logging.getLogger(__name__)
DIRECTORY = Path(__file__).resolve().parent.parent / "migrations"
# What Alembic says at INFO before doing anything: the plugins it sets up when imported, the
# dialect it drives and whether DDL is transactional.
_CHATTER = {
    "alembic.runtime.plugins": ("setup plugin ", "setting up autogenerate plugin "),
    "alembic.runtime.migration": ("Context impl ", "Will assume "),
}


def migrations(app):
    """Flask-Migrate on `app` (its `app.extensions["migrate"]`, with `.directory`), registered on
    first use: by the `flask db` commands (webapp/cli.py), SQLite's upgrade at start-up, and the
    tests."""
    if "migrate" not in app.extensions:
        for name in _CHATTER:
            logging.getLogger(name).addFilter(_without_chatter)  # before Alembic is imported
        from flask_migrate import Migrate

        ours = app.cli.commands.get("db")  # webapp/cli.py's, which hands over to Flask-Migrate's
        Migrate(app, db, directory=str(DIRECTORY), render_as_batch=True)
        if ours is not None:
            app.cli.add_command(ours)  # Migrate put its own in its place
    return app.extensions["migrate"]


def _without_chatter(record):
    """Alembic's lines that say nothing to an operator stay out of the log at INFO (they opened
    every CLI command on SQLite and every `flask db` command); what it migrates is still logged.
    Set the `alembic` logger to DEBUG to see them all."""
    return (
        record.levelno != logging.INFO
        or not record.getMessage().startswith(_CHATTER.get(record.name, ()))
        or logging.getLogger("alembic").isEnabledFor(logging.DEBUG)
    )


@contextmanager
def _file_lock(path):
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # several workers may start at once
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def upgrade_embedded_database(app):
    """On SQLite, apply the migrations at start-up; other databases use `flask db upgrade`."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    directory = migrations(app).directory
    from flask_migrate import upgrade

    with app.app_context(), _file_lock(Path(app.instance_path) / "migrate.lock"):
        # Alembic's own INFO lines would open every CLI command's output; one line of ours says
        # when the schema changed.
        alembic = logging.getLogger("alembic")
        level = alembic.level
        alembic.setLevel(logging.WARNING)
        try:
            before = _revision()
            upgrade(directory=directory)
            after = _revision()
        except OperationalError as error:
            raise unusable_database(error) from None
        finally:
            alembic.setLevel(level)
        # Workers forked from this process (gunicorn's `preload_app`) open connections of their
        # own rather than share the one the upgrade left in the pool.
        db.engine.dispose()
        if after != before:
            log.info("database schema upgraded from %s to %s", before or "empty", after)


def _revision():
    from alembic.migration import MigrationContext

    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()

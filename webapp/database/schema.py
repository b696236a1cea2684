"""Bringing the database schema up to date. On SQLite `create_app` does it itself."""

import fcntl
import logging
from contextlib import contextmanager
from pathlib import Path

from alembic.migration import MigrationContext
from flask_migrate import upgrade

from webapp.extensions import db

log = logging.getLogger(__name__)


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
    with app.app_context(), _file_lock(Path(app.instance_path) / "migrate.lock"):
        # Alembic's own INFO lines would open every CLI command's output; one line of ours says
        # when the schema changed.
        alembic = logging.getLogger("alembic")
        level = alembic.level
        alembic.setLevel(logging.WARNING)
        try:
            before = _revision()
            upgrade(directory=app.extensions["migrate"].directory)
            after = _revision()
        finally:
            alembic.setLevel(level)
        # Workers forked from this process (gunicorn's `preload_app`) open connections of their
        # own rather than share the one the upgrade left in the pool.
        db.engine.dispose()
        if after != before:
            log.info("database schema upgraded from %s to %s", before or "empty", after)


def _revision():
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()

"""What a worker imports: nothing that only migrations or the operator's commands need. Alembic and
Flask-Migrate (about 11 MiB of each process), the export and the loyalty import stay out of a
process that builds the app on PostgreSQL, as gunicorn does, and serves requests."""

import json
import sys

from servers import POSTGRES, app_environment, run

from webapp import cli
from webapp.ops import exports

ONLY_FOR_COMMANDS = ("alembic", "flask_migrate", "webapp.ops.exports", "webapp.ops.loyalty_import")

# gunicorn's master (gunicorn.conf.py, webapp/prefork.py): the app built, warmed up; then a request.
SERVE = """
import json, sys
from webapp import create_app
app = create_app()
app.extensions["warm_up"]()
status = app.test_client().get("/register").status_code
print(json.dumps({"status": status, "modules": sorted(sys.modules)}))
"""


def test_a_worker_on_postgresql_imports_no_migrations_and_no_operator_jobs(tmp_path):
    # The app never connects at start-up, nor for the wizard's first step: any PostgreSQL URL does.
    env = app_environment(tmp_path, DATABASE_URL=POSTGRES, RATELIMIT_STORAGE_URI="memory://")
    done = run(env, sys.executable, "-c", SERVE)
    assert done.returncode == 0, done.stderr
    served = json.loads(done.stdout.splitlines()[-1])
    assert served["status"] == 200
    imported = {
        name
        for name in served["modules"]
        if any(name == module or name.startswith(module + ".") for module in ONLY_FOR_COMMANDS)
    }
    assert imported == set()


def test_the_export_command_offers_every_format_there_is():
    # cli.py names them itself so as not to import the export code.
    assert sorted(cli.EXPORT_FORMATS) == sorted(exports.FORMATS)

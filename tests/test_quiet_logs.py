"""What the logs say to an operator: no terminal colour codes inside a JSON line, no Alembic lines
opening every CLI command on SQLite, and one line per outbox delivery (kind, tenant, outcome,
attempt)."""

import json
import logging
import os
import subprocess
import sys

from conftest import deliver_outbox, valid_customer

from webapp.http.logs import JsonFormatter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_the_development_servers_colours_stay_out_of_json_lines():
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '127.0.0.1 - - "\x1b[32mGET /register HTTP/1.1\x1b[0m" 200 -',
        None,
        None,
    )
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == '127.0.0.1 - - "GET /register HTTP/1.1" 200 -'


def test_a_cli_command_on_sqlite_prints_no_alembic_lines(tmp_path):
    env = {
        **os.environ,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "TENANTS_FILE": str(tmp_path / "tenants.toml"),
        "SECRET_KEY": "test-secret-key",
    }
    env.pop("DATABASE_URL", None)
    for _ in range(2):  # the first run makes the database, the second finds it up to date
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "webapp", "check-config"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert "alembic" not in done.stderr and "Context impl" not in done.stderr, done.stderr
        assert "default" in done.stdout


def test_flask_db_upgrade_on_sqlite_prints_no_alembic_preamble(tmp_path):
    env = {
        **os.environ,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "TENANTS_FILE": str(tmp_path / "tenants.toml"),
        "SECRET_KEY": "test-secret-key",
    }
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "webapp", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for chatter in ("Context impl", "Will assume", "setup plugin"):
        assert chatter not in done.stderr, done.stderr


def test_the_worker_logs_a_line_per_delivery(make_app, caplog):
    app = make_app()
    assert app.test_client().post("/api/v1/customers", json=valid_customer()).status_code == 201
    with caplog.at_level(logging.INFO, logger="webapp.outbox.worker"):
        deliver_outbox(app)
    sent = [
        r
        for r in caplog.records
        if r.name == "webapp.outbox.worker" and getattr(r, "fields", {}).get("outcome") == "sent"
    ]
    assert len(sent) == 1  # the account email (the default tenant has no webhook)
    fields = sent[0].fields
    assert (fields["kind"], fields["tenant"], fields["attempts"]) == ("email", "default", 1)
    assert "email" in sent[0].getMessage() and "default" in sent[0].getMessage()

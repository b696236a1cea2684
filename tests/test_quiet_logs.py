"""What the logs say to an operator: no terminal colour codes inside a JSON line, no Alembic lines
opening every CLI command on SQLite, and one line per outbox delivery (kind, tenant, outcome,
attempt)."""

import json
import logging
import re
import sys
import threading
import urllib.request

from conftest import deliver_outbox, valid_customer
from servers import app_environment, run
from werkzeug.serving import make_server

from webapp.http.logs import JsonFormatter


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
    env = app_environment(tmp_path / "instance")
    for _ in range(2):  # the first run makes the database, the second finds it up to date
        done = flask_cli(env, "check-config")
        assert done.returncode == 0, done.stderr
        assert "alembic" not in done.stderr and "Context impl" not in done.stderr, done.stderr
        assert "default" in done.stdout


def test_flask_db_upgrade_on_sqlite_prints_no_alembic_preamble(tmp_path):
    done = flask_cli(app_environment(tmp_path / "instance"), "db", "upgrade")
    assert done.returncode == 0, done.stderr
    for chatter in ("Context impl", "Will assume", "setup plugin"):
        assert chatter not in done.stderr, done.stderr


def flask_cli(env, *args):
    """`python -m flask --app webapp ARGS` from the project folder: its CompletedProcess."""
    return run(env, sys.executable, "-m", "flask", "--app", "webapp", *args)


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


def development_server_line(app, caplog, path):
    """The development server's access line for one GET of `path`, without its colours."""
    server = make_server("127.0.0.1", 0, app)
    serving = threading.Thread(target=server.handle_request)
    serving.start()
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}{path}").close()
        except urllib.error.HTTPError as refused:  # a 4xx is logged all the same
            refused.close()
        serving.join()
    server.server_close()
    (line,) = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    return re.sub("\x1b\\[[0-9;]*m", "", line)  # a 4xx line's colours


def test_the_development_server_logs_no_query_string(app, caplog):
    # A verification link carries its code and the draft's token in the query string.
    line = development_server_line(app, caplog, "/register?draft=d1a2f7&code=042656")
    assert '"GET /register HTTP/1.1" 200' in line
    assert "042656" not in line and "d1a2f7" not in line


def test_the_development_server_logs_no_links_token(app, caplog):
    line = development_server_line(app, caplog, "/consent/confirm/Mw.secret-Token")
    assert '"GET /consent/confirm/<token> HTTP/1.1" 400' in line and "secret" not in line

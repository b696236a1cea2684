"""Logs as JSON lines, each inside a request carrying its id, tenant and door.

A request's id comes back in X-Request-Id. Nothing here logs a body, a header or a form value, so
no password or secret reaches the logs that way. Database errors would quote stored values: the
engine hides SQL parameters (config.py), and a logged database error keeps only its first line
(PostgreSQL's DETAIL repeats the failing row).
"""

import json
import logging
import re
import sys
import traceback
import uuid
from datetime import UTC, datetime

from flask import current_app, g, has_request_context, request
from sqlalchemy.exc import DBAPIError

REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
CAUSED = "\n\nThe above exception was the direct cause of the following exception:\n\n"
DURING = "\n\nDuring handling of the above exception, another exception occurred:\n\n"
# Where the request's log context waits for the server's access log line (gunicorn.conf.py).
ENVIRON_KEY = "webapp.log"


def request_id():
    """The request's id: a trusted proxy's X-Request-Id, else a new one; fixed once asked for
    (by the first log line of the request, or by its answer's header)."""
    found = g.get("request_id")
    if found is None:
        found = g.request_id = _offered() or uuid.uuid4().hex
    return found


def _offered():
    if current_app.config["TRUSTED_PROXIES"] <= 0:
        return None  # a client's own id is never taken
    offered = request.headers.get("X-Request-Id", "")
    return offered if REQUEST_ID.match(offered) else None


def note(tenant=None, door=None):
    """Name the tenant (slug) and door the current request serves, for its log lines."""
    if has_request_context():
        if tenant:
            g.log_tenant = tenant
        if door:
            g.log_door = door


def context():
    """The current request's id, tenant and door (a door is its blueprint unless noted)."""
    view_args = request.view_args or {}
    return {
        "request_id": request_id(),
        "tenant": g.get("log_tenant") or view_args.get("tenant"),
        "door": g.get("log_door") or request.blueprint,
    }


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the request context, and the
    record's `fields` (given as `extra={"fields": {...}}`)."""

    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            # The development server colours its access lines for a terminal; a JSON line is read
            # by programs.
            "message": TERMINAL_STYLE.sub("", record.getMessage()),
            "pid": record.process,
        }
        if has_request_context():
            line.update(context())
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)

    def formatException(self, exc_info):
        """The traceback as Python prints it, but with each database error cut to its first
        line."""
        chain, error = [], exc_info[1]
        while error is not None and error not in chain:
            chain.append(error)
            error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
        quiet = {id(e.orig) for e in chain if isinstance(e, DBAPIError)}
        text = ""
        for error in reversed(chain):
            if text:
                text += CAUSED if error.__cause__ is not None else DURING
            message = str(error)
            if message and (isinstance(error, DBAPIError) or id(error) in quiet):
                message = message.splitlines()[0]
            kind = type(error)
            name = (
                kind.__qualname__
                if kind.__module__ == "builtins"
                else f"{kind.__module__}.{kind.__qualname__}"
            )
            text += (
                "Traceback (most recent call last):\n"
                + "".join(traceback.format_tb(error.__traceback__))
                + (f"{name}: {message}" if message else name)
            )
        return text


TERMINAL_STYLE = re.compile(r"\x1b\[[0-9;]*m")


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a record comes (servers and test runners swap it)."""

    def __init__(self):
        logging.Handler.__init__(self)

    @property
    def stream(self):
        return sys.stderr


def _use_json_lines():
    root = logging.getLogger()
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        handler = _StderrHandler()
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
    root.setLevel(logging.INFO)


# A request line's query string, as the development server logs it ("GET /x?a=1 HTTP/1.1").
QUERY = re.compile(r"\?[^\s\x1b]*(?= HTTP/)")
# A route argument that is a secret: a link's token (verify, consent, an operator's setup) lets
# whoever reads it act in the person's place, so the logs show `<token>` instead.
SECRET_ARGUMENT = "token"
_secret_paths = None  # the paths of such routes, up to their token (set on the first request)


def _secret_paths_of(app):
    prefixes = sorted(
        (
            re.escape(rule.rule.partition(f"<{SECRET_ARGUMENT}>")[0])
            for rule in app.url_map.iter_rules()
            if SECRET_ARGUMENT in rule.arguments
        ),
        key=len,
        reverse=True,
    )
    # A path from its start: a whole path, or one in a request line ("GET /verify/… HTTP/1.1").
    return re.compile(f"((?:^|\\s)(?:{'|'.join(prefixes)}))[^\\s/?\x1b]+") if prefixes else None


def logged_path(path):
    """`path` as the logs may show it: a link's token replaced by `<token>`."""
    return _secret_paths.sub(r"\1<token>", path) if _secret_paths else path


class WithoutSecrets(logging.Filter):
    """The development server's access line without the query string, as gunicorn's has it (a
    verification link's code and a draft's token travel there), and without a link's token."""

    def filter(self, record):
        if isinstance(record.args, tuple):
            record.args = tuple(
                logged_path(QUERY.sub("", arg)) if isinstance(arg, str) else arg
                for arg in record.args
            )
        return True


def init_app(app):
    if app.config["LOG_JSON"]:
        _use_json_lines()
    else:
        logging.basicConfig(level=logging.INFO)
    development_server = logging.getLogger("werkzeug")
    if not any(isinstance(f, WithoutSecrets) for f in development_server.filters):
        development_server.addFilter(WithoutSecrets())

    @app.after_request
    def return_request_id(response):
        global _secret_paths
        response.headers["X-Request-Id"] = request_id()
        noted = context()
        if SECRET_ARGUMENT in (request.view_args or {}):
            if _secret_paths is None:  # the routes are all known by now
                _secret_paths = _secret_paths_of(current_app)
            noted["path"] = logged_path(request.path)  # in place of the server's own
        request.environ[ENVIRON_KEY] = noted
        return response

"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py` (gunicorn also reads this file
by itself when started from the project folder). Settings given on the command line win.

It runs behind the buffering reverse proxy of deploy/nginx.conf (docs/production.md): sync
workers, each busy with one whole request at a time, which nginx has read before passing it on.

Environment: BIND (default 127.0.0.1:8000, where the proxy finds it), WEB_CONCURRENCY (worker
processes, default two per CPU plus one), GUNICORN_THREADS (threads per worker, default 1),
GUNICORN_TIMEOUT (seconds, default 30). Everything the app itself reads (DATABASE_URL, ...) is in
the README.
"""

import multiprocessing
import os
from pathlib import Path

from gunicorn.glogging import Logger

# /metrics adds up every worker's counts only where they count in files of one folder
# (PROMETHEUS_MULTIPROC_DIR, read when prometheus_client is first imported: so before the app
# is). Without one named, the instance folder's `metrics` (as scripts/serve has it; the files of
# ended processes go at each start, below); where it cannot be made, each worker counts alone.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    _instance = os.environ.get("INSTANCE_PATH") or Path(__file__).resolve().parent / "instance"
    _metrics = Path(_instance) / "metrics"
    try:
        _metrics.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass
    if os.access(_metrics, os.W_OK):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(_metrics)

from webapp.http.logs import ENVIRON_KEY  # noqa: E402 (after the folder is named)
from webapp.prefork import post_fork, when_ready  # noqa: E402, F401 (gunicorn's hooks)

wsgi_app = "webapp:create_app()"
bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# The master builds the app (on SQLite it brings the schema up to date) and the workers share its
# memory: see webapp/prefork.py.
preload_app = True
# No runtime control socket (gunicorn 25+): its default path in the home folder would be shared
# by every instance on the machine.
control_socket_disable = True


def on_starting(server):
    # /metrics adds up the files every process counts in (PROMETHEUS_MULTIPROC_DIR): an earlier
    # run's files would be added to this run's. Those of processes still running stay: the
    # outbox worker's beside gunicorn, the old master's and workers' during a USR2 upgrade.
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    for stale in Path(folder).glob("*.db") if folder else ():
        if not _running(stale.stem.rpartition("_")[2]):
            stale.unlink()


def _running(pid):
    """Whether a process has the id `pid` (a file name's last part, as prometheus_client names
    them: counter_1234.db)."""
    if not pid.isdigit() or int(pid) == 0:  # kill(0) would signal our own process group
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's: alive
        return True
    return True


def post_worker_init(worker):
    worker.log.info("Worker ready (pid: %s)", worker.pid)  # the app is built: it takes requests


def pre_request(worker, req):
    worker.current_request = f"{req.method} {req.path}"


def post_request(worker, req, environ, resp):
    worker.current_request = None


def worker_abort(worker):
    """SIGABRT: the arbiter's worker timeout. Left alone, gunicorn raises SystemExit inside the
    request, logs its traceback and answers 500; the timeout is logged as such instead, and the
    worker ends at once (the arbiter starts another)."""
    worker.log.error(
        "Worker timeout: no answer within %s s to %s (pid: %s)",
        worker.cfg.timeout,
        getattr(worker, "current_request", None) or "a request still being read",
        worker.pid,
    )
    os._exit(1)


def _sent(resp, environ):
    """The body's bytes sent: gunicorn counts those it writes, not those of a file it hands to
    sendfile() (a static file), which are the answer's length unless the request was a HEAD."""
    sent = getattr(resp, "sent", None)
    if not sent and environ.get("REQUEST_METHOD") != "HEAD":
        return getattr(resp, "response_length", None) or sent
    return sent


class JsonAccessLogger(Logger):
    """The access log as JSON lines, with the request id, tenant and door the app noted.

    The path is logged without its query string, and no header but the user agent."""

    def access(self, resp, req, environ, request_time):
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        fields = {
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "status": int(status),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "bytes": _sent(resp, environ),
            "remote_addr": environ.get("REMOTE_ADDR"),  # the client, once ProxyFix has run
            "user_agent": environ.get("HTTP_USER_AGENT"),
            **environ.get(ENVIRON_KEY, {}),
        }
        self.access_log.info("request", extra={"fields": fields})


logger_class = JsonAccessLogger
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "webapp.http.logs.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stdout",
        },
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        },
    },
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
    },
}

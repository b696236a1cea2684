"""The service's Prometheus series (contract section 14), served at `GET /metrics`.

Under gunicorn every worker counts in files under PROMETHEUS_MULTIPROC_DIR (an environment
variable read when this module is first imported), and a scrape adds the files up; without it
the process's own counters are served. Labels hold only bounded values: tenant slugs from the
tenants file, door names, step names, fault codes, route names. Never a customer's data.
"""

import hmac
import os
import tempfile
import time

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    has_app_context,
    has_request_context,
    request,
)
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

from webapp.config import ConfigError
from webapp.http.errors import CHALLENGE, answered_fault

REGISTRATIONS = Counter(
    "registrations",
    "Registrations by tenant, door and outcome (created, the first fault's code, or "
    "blocked_honeypot / blocked_too_fast for a bot's attempt the wizard stopped)",
    ["tenant", "door", "outcome"],
)
STEP_EVENTS = Counter(
    "wizard_step_events", "Wizard steps first reached by a draft", ["tenant", "step"]
)
INLINE_CHECKS = Counter("inline_checks", "The wizard's inline field checks", ["tenant"])
RATE_LIMITED = Counter("rate_limited_requests", "Requests answered 429", ["endpoint"])
DELIVERIES = Counter(
    "outbox_deliveries",
    "Outbox delivery attempts by kind and outcome (sent, retry, failed; released: handed back "
    "untried at a stop; dropped: an erasure took it after the claim)",
    ["kind", "outcome"],
)
LATENCY = Histogram("request_duration_seconds", "Time to answer a request, by route", ["endpoint"])
OWN = (REGISTRATIONS, STEP_EVENTS, INLINE_CHECKS, RATE_LIMITED, DELIVERIES, LATENCY)

bp = Blueprint("metrics", __name__)


# The environ key of the requests gunicorn's master sends to warm the app up (webapp/warm_up.py):
# nothing of them is counted, or each start would show a registration fault nobody sent.
WARM_UP = "webapp.warm_up"


def _warming_up():
    return has_request_context() and WARM_UP in request.environ


def registered(tenant, door, outcome):
    if not _warming_up():
        REGISTRATIONS.labels(tenant, door, str(outcome)).inc()


def delivered(kind, outcome):
    DELIVERIES.labels(kind, outcome).inc()


def attempted(tenant, door):
    """A door has its tenant and is about to register: a fault it answers before the service
    counts an outcome (a closed tenant, a malformed body, a refused proof of work) is counted as
    this registration's outcome when the answer leaves (`_observe`)."""
    g.registration_attempt = (tenant.slug, door)


def counting_registrations(register):
    """`register` that counts each outcome: created, or the first fault's code."""
    from webapp.faults import FaultError

    def counted(tenant, answers, door, *args, **kwargs):
        if has_app_context():
            g.pop("registration_attempt", None)  # counted here, whatever the door answers then
        try:
            customer = register(tenant, answers, door, *args, **kwargs)
        except FaultError as error:
            registered(tenant.slug, door, error.faults[0].code)
            raise
        registered(tenant.slug, door, "created")
        return customer

    counted.__doc__ = register.__doc__
    return counted


def _endpoint():
    # The route's name, never its path: /t/<tenant>/... would make a label per URL.
    return request.endpoint or "unrouted"


def _started():
    if WARM_UP not in request.environ:
        g.metrics_started = time.perf_counter()


def _observe(response):
    if WARM_UP in request.environ:
        return response
    started = g.pop("metrics_started", None)
    if started is not None:
        LATENCY.labels(_endpoint()).observe(time.perf_counter() - started)
    if response.status_code == 429:
        RATE_LIMITED.labels(_endpoint()).inc()
    elif request.endpoint == "wizard.check" and response.status_code == 200:
        INLINE_CHECKS.labels(request.view_args["slug"]).inc()
    attempt = g.pop("registration_attempt", None)
    if attempt is not None and (code := answered_fault()) is not None:
        registered(*attempt, code)
    return response


OUTBOX_KINDS = ("email", "webhook")  # OutboxMessage.kind
OUTBOX_STATUSES = ("pending", "failed")


class OutboxCollector:
    """Pending and failed outbox messages by kind, read from the database at each scrape."""

    def collect(self):
        from sqlalchemy import func, select

        from webapp.extensions import db
        from webapp.models import OutboxMessage

        family = GaugeMetricFamily(
            "outbox_messages",
            "Outbox messages waiting (pending) or given up (failed), by kind",
            labels=["kind", "status"],
        )
        rows = db.session.execute(
            select(OutboxMessage.kind, OutboxMessage.status, func.count())
            .where(OutboxMessage.status.in_(OUTBOX_STATUSES))
            .group_by(OutboxMessage.kind, OutboxMessage.status)
        ).all()
        # Every kind and status, 0 where none: an empty outbox is a series at 0 for alerts and
        # graphs, not a series missing.
        counts = {(kind, status): 0 for kind in OUTBOX_KINDS for status in OUTBOX_STATUSES}
        counts.update({(kind, status): count for kind, status, count in rows})
        for (kind, status), count in counts.items():
            family.add_metric([kind, status], count)
        yield family


class _EveryFamily:
    """What `counted` collects, and each of the service's own families no process has counted
    in yet, without samples: the files of PROMETHEUS_MULTIPROC_DIR hold only what was counted,
    so a fresh service would leave out families a scrape (and an alert on them) expects."""

    def __init__(self, counted):
        self.counted = counted

    def collect(self):
        listed = set()
        for family in self.counted.collect():
            listed.add(family.name)
            yield family
        for metric in OWN:
            yield from (family for family in metric.describe() if family.name not in listed)


@bp.get("/metrics")
def scrape():
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        abort(404)
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode(), token.encode()
    ):
        return Response(
            "Unauthorized\n",
            401,
            {"WWW-Authenticate": CHALLENGE},
            mimetype="text/plain",
        )
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry.register(_EveryFamily(multiprocess.MultiProcessCollector(None)))
    else:
        registry.register(_EveryFamily(REGISTRY))
    registry.register(OutboxCollector())
    response = Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response


def _folder_ready():
    """The folder every process counts in, made if it is missing (a tmpfs is empty after a
    reboot): prometheus_client would fail every counted request instead."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder:
        return
    try:
        os.makedirs(folder, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-")
        probe.close()
    except OSError as error:
        raise ConfigError(
            f"PROMETHEUS_MULTIPROC_DIR={folder!r}: not a folder this process can write in "
            f"({error.strerror})"
        ) from None


def init_app(app):
    _folder_ready()
    app.before_request(_started)
    app.after_request(_observe)
    app.register_blueprint(bp)

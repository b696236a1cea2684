"""Probes for load balancers and orchestrators: never rate-limited, cheap, no session.

`/healthz`: the process answers. `/readyz`: it can also reach the database and the rate-limit
store, and has the front-end files scripts/setup installs; otherwise 503, so that a load balancer
sends traffic elsewhere and monitoring notices.
"""

import logging

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from webapp.extensions import db, limiter
from webapp.http import assets

bp = Blueprint("ops", __name__)
limiter.exempt(bp)
log = logging.getLogger(__name__)


def _probe(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz():
    return _probe(jsonify({"status": "ok"}))


def _database_reachable():
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        log.warning("readiness: database unreachable: %s", reason)
        return False


def _rate_limit_store_reachable():
    if not current_app.config["RATELIMIT_ENABLED"]:
        return True
    if limiter.storage.check():
        return True
    log.warning("readiness: rate-limit store unreachable")
    return False


def _assets_present():
    said = assets.problem()
    if said:
        log.warning("readiness: %s", said)
    return said is None


@bp.get("/readyz")
def readyz():
    checks = {
        "database": _database_reachable(),
        "rateLimitStore": _rate_limit_store_reachable(),
        "assets": _assets_present(),
    }
    ready = all(checks.values())
    body = {
        "status": "ok" if ready else "unavailable",
        "checks": {name: "ok" if good else "unavailable" for name, good in checks.items()},
    }
    response = _probe(jsonify(body))
    response.status_code = 200 if ready else 503
    return response

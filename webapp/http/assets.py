"""The front-end files the service serves but does not keep in git: scripts/setup copies them from
the npm registry's packages into static/vendor. A `pip install .` without scripts/setup has none,
and would serve a wizard whose htmx is a 404: the service says so at start, in `check-config`,
and `/readyz` fails."""

import logging
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)
VENDOR = (
    "vendor/htmx.min.js",
    "vendor/swagger-ui/swagger-ui-bundle.js",
    "vendor/swagger-ui/swagger-ui.css",
)
HOW = "run scripts/setup (it copies them from node_modules into static/vendor)"


def missing(app=None) -> list[str]:
    """The vendored files that are not there, as paths under the static folder."""
    folder = Path((app or current_app).static_folder)
    return [name for name in VENDOR if not (folder / name).is_file()]


def problem(app=None) -> str | None:
    gone = missing(app)
    return f"front-end files missing from static/: {', '.join(gone)}; {HOW}" if gone else None


def init_app(app):
    said = problem(app)
    if said:
        log.error(said)

"""The audit log of the operator's tenants, newest first; read-only."""

from flask import g

from webapp.console import audit, session
from webapp.console.blueprint import bp, render


@bp.get("/audit")
def audit_log():
    return render("console/audit.html", entries=audit.recent(g.operator, session.slugs()))

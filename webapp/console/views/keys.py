"""A tenant's API keys: list (created, last used, revoked), create (secret shown once), revoke."""

import secrets
from datetime import timedelta

from flask import abort, g, redirect, request, url_for

from webapp.auth import keys as api_keys
from webapp.auth.credentials import create_api_key
from webapp.console import audit, session
from webapp.console.blueprint import bp, render
from webapp.extensions import db
from webapp.models import utcnow
from webapp.trust import spent

# How long a drawn "Create" form's nonce is remembered once used: a reload of the page that
# showed a new key posts it again, and makes no second key.
FORM_SENT_FOR = timedelta(hours=12)


@bp.get("/t/<slug>/keys")
def keys(slug):
    tenant = session.tenant(slug)
    return render(
        "console/keys.html",
        shown=tenant,
        keys=api_keys.of_tenant(tenant.slug),
        form_nonce=secrets.token_urlsafe(16),
        again=request.args.get("again") == "1",
    )


@bp.post("/t/<slug>/keys")
def create_key(slug):
    tenant = session.tenant(slug)
    nonce = request.form.get("form_nonce", "")[:64]
    if nonce and not spent.once("key form:" + nonce, utcnow() + FORM_SENT_FOR):
        return redirect(url_for("console.keys", slug=slug, again=1), 303)
    key_id, secret = create_api_key(tenant.slug)
    audit.write(g.operator.email, "created API key", tenant.slug, detail=key_id)
    db.session.commit()
    return render("console/key_created.html", 201, shown=tenant, key_id=key_id, secret=secret)


@bp.post("/t/<slug>/keys/<key_id>/revoke")
def revoke_key(slug, key_id):
    tenant = session.tenant(slug)
    key, now = api_keys.revoke(key_id[:64], tenant.slug)
    if key is None:
        abort(404)
    # The log says what happened: a second press (a stale page) revokes nothing.
    action = "revoked API key" if now else "asked to revoke an API key revoked before"
    audit.write(g.operator.email, action, tenant.slug, detail=key.id)
    db.session.commit()
    return redirect(url_for("console.keys", slug=slug), 303)

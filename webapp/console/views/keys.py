"""A tenant's API keys: list (created, last used, revoked), create (secret shown once), revoke."""

from flask import abort, g, redirect, url_for

from webapp.auth import keys as api_keys
from webapp.auth.credentials import create_api_key
from webapp.console import audit, session
from webapp.console.blueprint import bp, render
from webapp.extensions import db


@bp.get("/t/<slug>/keys")
def keys(slug):
    tenant = session.tenant(slug)
    return render("console/keys.html", shown=tenant, keys=api_keys.of_tenant(tenant.slug))


@bp.post("/t/<slug>/keys")
def create_key(slug):
    tenant = session.tenant(slug)
    key_id, secret = create_api_key(tenant.slug)
    audit.write(g.operator.email, "created API key", tenant.slug, detail=key_id)
    db.session.commit()
    return render("console/key_created.html", 201, shown=tenant, key_id=key_id, secret=secret)


@bp.post("/t/<slug>/keys/<key_id>/revoke")
def revoke_key(slug, key_id):
    tenant = session.tenant(slug)
    if api_keys.revoke(key_id[:64], tenant.slug) is None:
        abort(404)
    audit.write(g.operator.email, "revoked API key", tenant.slug, detail=key_id[:64])
    db.session.commit()
    return redirect(url_for("console.keys", slug=slug), 303)

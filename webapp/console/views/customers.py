"""Customers: search, a customer's page, export as JSON, erase."""

import json

from flask import Response, abort, g, redirect, request, url_for
from sqlalchemy import select

from webapp import registration
from webapp.console import audit, search, session
from webapp.console.blueprint import bp, render
from webapp.extensions import db
from webapp.faults import FaultError
from webapp.i18n import gettext
from webapp.models import OutboxMessage
from webapp.registration.representation import customer_json
from webapp.trust import email_links

MESSAGES_SHOWN = 50


def _customer(slug, customer_id):
    """The tenant's customer, if the operator may see the tenant; 404 otherwise."""
    tenant = session.tenant(slug)
    customer = registration.find(tenant, customer_id)
    if customer is None:
        abort(404)
    return tenant, customer


def _before():
    value = request.args.get("before", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


@bp.get("/t/<slug>/customers")
def customers(slug):
    tenant = session.tenant(slug)
    query = request.args.get("q", "")[: search.QUERY_MAX]
    found, more = search.find(tenant, query, _before())
    # The list shows emails and usernames: who looked is logged, but not what they searched for
    # (an address, say), which the log, never changed, could not give up at an erasure.
    action = "searched customers" if query.strip() else "listed customers"
    audit.write(g.operator.email, action, tenant.slug, detail=f"{len(found)} shown")
    db.session.commit()
    return render("console/customers.html", shown=tenant, query=query, customers=found, more=more)


@bp.get("/t/<slug>/customers/<customer_id>")
def customer(slug, customer_id):
    tenant, found = _customer(slug, customer_id)
    audit.write(g.operator.email, "viewed customer", tenant.slug, found.id)
    db.session.commit()
    return _customer_page(tenant, found)


def _customer_page(tenant, found, status=200, erase_problem=None):
    messages = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.customer_id == found.id)
        .order_by(OutboxMessage.created_at.desc())
        .limit(MESSAGES_SHOWN)
    ).all()
    return render(
        "console/customer.html",
        status,
        shown=tenant,
        customer=found,
        fields=customer_json(found),
        messages=messages,
        entries=audit.recent(g.operator, [tenant.slug], customer_id=found.id),
        erased=request.args.get("erased") == "1",
        erase_problem=erase_problem,
        problems=[("#confirm", erase_problem)] if erase_problem else [],
    )


@bp.get("/t/<slug>/customers/<customer_id>/export")
def export(slug, customer_id):
    tenant, found = _customer(slug, customer_id)
    audit.write(g.operator.email, "exported customer", tenant.slug, found.id)
    db.session.commit()
    body = json.dumps(customer_json(found), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="customer-{found.id}.json"'},
    )


@bp.post("/t/<slug>/customers/<customer_id>/erase")
def erase_customer(slug, customer_id):
    tenant, found = _customer(slug, customer_id)
    if request.form.get("confirm") != "yes":  # the page again, the message by the checkbox
        problem = gettext("Select that you have checked this customer is to be erased")
        return _customer_page(tenant, found, 422, problem)
    try:
        audit.erased(g.operator.email, tenant, found)
    except FaultError:
        pass  # erased before: the page says the customer is erased either way
    return redirect(url_for("console.customer", slug=slug, customer_id=found.id, erased=1), 303)


@bp.post("/t/<slug>/customers/<customer_id>/resend-verification")
def resend_verification(slug, customer_id):
    """Mail the customer a fresh verification link (within the address's mail budget); the
    customer's page then says whether it was queued."""
    tenant, found = _customer(slug, customer_id)
    sent = False
    if (
        tenant.verify_email == "code"
        and found.erased_at is None
        and found.email_verified_at is None
    ):
        sent = email_links.mail_link(tenant, found)
        if sent:
            audit.write(g.operator.email, "resent verification", tenant.slug, found.id)
        else:
            audit.write(
                g.operator.email,
                "verification not resent",
                tenant.slug,
                found.id,
                detail="the address's mail budget is spent",
            )
        db.session.commit()
    return redirect(
        url_for("console.customer", slug=slug, customer_id=found.id, resent=int(sent)), 303
    )

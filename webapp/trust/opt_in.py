"""Consent status and double opt-in (contract section 12).

A plain tick is given at once: the record is "confirmed" when granted. A consent with
`double_opt_in = true` is "pending" until the link mailed to the customer is followed
("confirmed"), and reads "expired" once 30 days pass unconfirmed (computed, never stored, so no
job has to run for it). Any consent can be withdrawn by the link in every mail that carries it.
Each change keeps its evidence: time, door, the text's version, and keyed hashes of the client's
address and user agent.
"""

from datetime import timedelta

from flask import has_request_context, request, url_for
from itsdangerous import BadData
from sqlalchemy import update

from webapp import outbox
from webapp.extensions import db
from webapp.http.public_links import absolute
from webapp.models import ConsentEvent, ConsentRecord, utcnow
from webapp.trust.keys import keyed_hash, seal, signer

CONFIRM_WITHIN = timedelta(days=30)
LINK_DOOR = "email"  # the door of a change made by a mailed link


def status(record, now=None) -> str:
    if (
        record.status == "pending"
        and record.granted_at is not None
        and record.granted_at + CONFIRM_WITHIN <= (now or utcnow())
    ):
        return "expired"
    return record.status


def _client_hashes():
    """Keyed hashes of the client's address and user agent (None outside a request)."""
    client = agent = None
    if has_request_context():
        client = request.remote_addr
        agent = request.user_agent.string or None
    return {
        "client_hash": keyed_hash("consent evidence address", client),
        "agent_hash": keyed_hash("consent evidence agent", agent),
    }


def _evidence(record, door, at, client=None):
    """`client`: _client_hashes(), where the caller has them already."""
    return ConsentEvent(
        status=record.status,
        at=at,
        door=door,
        version=record.version,
        **(client or _client_hashes()),
    )


def prepare(tenant, records):
    """Give a new customer's consent records their status and first evidence (before they are
    stored)."""
    now, client = utcnow(), _client_hashes()
    for record in records:
        consent = tenant.consent(record.consent_id)
        record.granted_at = now
        if consent is not None and consent.double_opt_in:
            record.status, record.confirmed_at = "pending", None
        else:
            record.status, record.confirmed_at = "confirmed", now
        record.events.append(_evidence(record, record.door, now, client))


def withdraw_link(record) -> str:
    return absolute(
        url_for("links.withdraw_consent", token=signer("consent withdraw").dumps(record.id))
    )


def mail_confirmations(tenant, customer):
    """Queue a confirmation mail for each pending consent of a flushed customer."""
    for record in customer.consents:
        if record.status != "pending":
            continue
        consent = tenant.consent(record.consent_id)
        confirm = absolute(
            url_for("links.confirm_consent", token=signer("consent confirm").dumps(record.id))
        )
        outbox.email(
            tenant,
            "consent_confirmation",
            customer.email,
            customer.language,
            customer.id,
            sealed=seal(
                {
                    "consent_label": consent.label if consent else record.consent_id,
                    # A tenant's own text is mailed as written, the service's own translated.
                    "consent_as_written": not (consent and consent.built_in),
                    "consent_url": consent.url if consent else None,  # the text agreed to
                    "confirm_link": confirm,
                    "withdraw_link": withdraw_link(record),
                }
            ),
        )


def _record(purpose, token, max_age=None):
    """The consent record a genuine token names, unless its customer has been erased (erasure
    keeps the evidence without personal data: no link changes it afterwards)."""
    try:
        record_id = signer(purpose).loads(token, max_age=max_age)
    except BadData:
        return None
    record = db.session.get(ConsentRecord, record_id) if isinstance(record_id, int) else None
    return record if record is not None and record.customer.erased_at is None else None


def _change(record, guard, new_status):
    """Give `record` `new_status` (and its time) where `guard` still holds in the database, so
    that of two requests at once (a second click, a mail scanner's fetch) only one changes it,
    keeps the evidence and announces it. True when this request made the change."""
    now = utcnow()
    changed = db.session.execute(
        update(ConsentRecord)
        .where(ConsentRecord.id == record.id, guard)
        .values({"status": new_status, f"{new_status}_at": now})
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(record)
    if changed != 1:
        return False
    record.events.append(_evidence(record, LINK_DOOR, now))
    return True


def confirm(tenant_of, token):
    """Confirm the pending consent a confirmation token names; the record, or None when the
    token is not genuine or the consent is not pending (expired, withdrawn, or confirmed)."""
    record = _record("consent confirm", token, int(CONFIRM_WITHIN.total_seconds()))
    if record is not None and status(record) == "pending":
        if _change(record, ConsentRecord.status == "pending", "confirmed"):
            outbox.webhook(tenant_of(record), "consent.confirmed", record.customer)
            return record
    return record if record is not None and record.status == "confirmed" else None


def withdraw(tenant_of, token):
    """Withdraw the consent a withdraw token names (once; again changes nothing)."""
    record = _record("consent withdraw", token)
    if record is None or record.status == "withdrawn":
        return record
    if _change(record, ConsentRecord.status != "withdrawn", "withdrawn"):
        outbox.webhook(tenant_of(record), "consent.withdrawn", record.customer)
    return record

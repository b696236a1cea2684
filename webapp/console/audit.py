"""The audit log: every action an operator takes (who, what, when, which customer).

Rows are only ever added: nothing in the service updates or deletes them, the ORM refuses to, and
so does the database (migration 0012's triggers).
"""

from sqlalchemy import event, or_, select

from webapp.console.models import AuditEntry
from webapp.extensions import db

PAGE = 50


def write(operator, action, tenant=None, customer_id=None, detail=None):
    """Add an entry in the current transaction (the caller commits it with the action)."""
    db.session.add(
        AuditEntry(
            operator=operator, action=action, tenant=tenant, customer_id=customer_id, detail=detail
        )
    )


def erased(operator, tenant, customer):
    """Erase `customer` of `tenant` for `operator` (an operator's email, "cli", "API key <id>"),
    in the log with the erasure; a customer erased before is logged as asked for (the action
    that changed nothing) and 410 91019 is raised."""
    from webapp.faults import FaultError, fault
    from webapp.registration.erasure import erase

    try:
        if customer.erased_at is not None:
            raise fault(91019)
        write(operator, "erased customer", tenant.slug, customer.id)
        erase(tenant, customer)  # commits the entry with the erasure, or rolls it back
    except FaultError:  # erased before, or by someone else a moment ago
        write(operator, "asked to erase a customer erased before", tenant.slug, customer.id)
        db.session.commit()
        raise


def recent(operator, tenants, customer_id=None, limit=PAGE):
    """The latest entries about `tenants`, and those about no tenant that `operator` may see:
    all of them for an operator of every tenant (the operators made, everyone's sign-ins), else
    their own."""
    about_none = AuditEntry.tenant.is_(None)
    if operator.tenants is not None:
        about_none &= AuditEntry.operator == operator.email
    query = select(AuditEntry).where(or_(AuditEntry.tenant.in_(tenants), about_none))
    if customer_id is not None:
        query = query.where(AuditEntry.customer_id == customer_id)
    return db.session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit)).all()


def _refuse(mapper, connection, entry):
    raise PermissionError("the audit log is append-only")


event.listen(AuditEntry, "before_update", _refuse)
event.listen(AuditEntry, "before_delete", _refuse)

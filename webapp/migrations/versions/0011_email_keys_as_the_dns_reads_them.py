"""email keys: the domain as the DNS resolves it, the local part in NFC

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 15:00:00

Email keys (customer.email_unique_key, loyalty_account.email_key, verification_code.email_key)
were the address in lower case, so "ada@example.com" and "ada@ｅｘａｍｐｌｅ.com" (full width) were
two addresses. Only keys with a character beyond ASCII change. A customer's key that another
customer of the tenant already holds in its new form is left as it was, and logged: the operator
decides which of the two is the mailbox's owner.
"""
import logging
import unicodedata

import idna
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

log = logging.getLogger('alembic.runtime.migration')


def email_key(value):
    # webapp.forms.rules.email_key as of this revision, frozen here.
    local, at, domain = value.rpartition('@')
    if not at:
        return value.lower()
    try:
        domain = idna.encode(domain, uts46=True).decode('ascii')
    except (idna.IDNAError, UnicodeError):
        domain = unicodedata.normalize('NFKC', domain).lower()
    return f"{unicodedata.normalize('NFC', local).lower()}@{domain}"


def _changed(bind, table, key, *columns):
    """(row, new key) for each row of `table` whose key is not ASCII and changes."""
    found = bind.execute(
        sa.select(table.c[key], *(table.c[c] for c in columns)).where(table.c[key].is_not(None))
    )
    changed = ((row, email_key(row[0])) for row in found if not row[0].isascii())
    return [(row, new) for row, new in changed if new != row[0]]


def _customer():
    return sa.table('customer', sa.column('number', sa.Integer), sa.column('tenant', sa.String),
                    sa.column('email', sa.String), sa.column('email_unique_key', sa.String))


def upgrade():
    bind = op.get_bind()
    customer = _customer()
    for (_, number, tenant), new in _changed(bind, customer, 'email_unique_key', 'number',
                                             'tenant'):
        holder = bind.execute(
            sa.select(customer.c.number)
            .where(customer.c.tenant == tenant, customer.c.email_unique_key == new)
        ).first()
        if holder is not None:
            log.warning('customer %s of tenant %s keeps its email key: customer %s holds the same '
                        'address', number, tenant, holder.number)
            continue
        bind.execute(customer.update().where(customer.c.number == number)
                     .values(email_unique_key=new))
    for name, id_type in (('loyalty_account', sa.Integer), ('verification_code', sa.String)):
        table = sa.table(name, sa.column('id', id_type), sa.column('email_key', sa.String))
        for (_, row_id), new in _changed(bind, table, 'email_key', 'id'):
            bind.execute(table.update().where(table.c.id == row_id).values(email_key=new))


def downgrade():
    # Customers' keys go back to the address in lower case (distinct, as their new forms are).
    # Loyalty accounts and codes keep theirs: an imported address beyond ASCII is found again
    # once imported again; a code lives 15 minutes.
    customer = _customer()
    bind = op.get_bind()
    found = bind.execute(sa.select(customer.c.number, customer.c.email)
                         .where(customer.c.email_unique_key.is_not(None)))
    for number, email in [row for row in found if not row.email.isascii()]:
        bind.execute(customer.update().where(customer.c.number == number)
                     .values(email_unique_key=email.lower()))

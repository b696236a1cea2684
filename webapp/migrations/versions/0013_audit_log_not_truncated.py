"""operator_audit: PostgreSQL refuses TRUNCATE of the audit log too

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 22:30:00

0012 made the database refuse to change or delete an entry; TRUNCATE fires no row trigger, so it
still emptied the table. A statement trigger refuses it as well. SQLite has no TRUNCATE (its
DELETE without WHERE is refused by 0012's trigger).
"""
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            'CREATE TRIGGER operator_audit_no_truncate BEFORE TRUNCATE ON operator_audit '
            'FOR EACH STATEMENT EXECUTE FUNCTION operator_audit_append_only()'
        )


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER operator_audit_no_truncate ON operator_audit')

"""operator_audit: the database itself refuses to change or delete an entry

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 17:30:00

The console's audit log is never editable. The ORM refused updates and deletes already; these
triggers make the database refuse them too, whoever connects (a SQL shell, a script). On
PostgreSQL TRUNCATE, a table owner's deliberate act, is not a row change and stays possible.
A later SQLite migration that rebuilds this table (batch_alter_table) drops the triggers and must
create them again.
"""
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

MESSAGE = 'the audit log is append-only'


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            'CREATE FUNCTION operator_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ '
            f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$"
        )
        op.execute(
            'CREATE TRIGGER operator_audit_append_only BEFORE UPDATE OR DELETE ON operator_audit '
            'FOR EACH ROW EXECUTE FUNCTION operator_audit_append_only()'
        )
        return
    for change in ('UPDATE', 'DELETE'):
        op.execute(
            f'CREATE TRIGGER operator_audit_no_{change.lower()} BEFORE {change} ON operator_audit '
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER operator_audit_append_only ON operator_audit')
        op.execute('DROP FUNCTION operator_audit_append_only()')
        return
    for change in ('update', 'delete'):
        op.execute(f'DROP TRIGGER operator_audit_no_{change}')

"""the operators' console: operators, audit log, step events, daily rollups; erasure and
last use of API keys; whom an outbox message is about

Revision ID: 0006
Revises: 0003
Create Date: 2026-12-06 05:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def _backfill():
    connection = op.get_bind()
    # date() is a function of both SQLite and PostgreSQL.
    connection.execute(sa.text(
        'INSERT INTO daily_registrations (tenant, day, door, count) '
        'SELECT tenant, date(created_at), door, count(*) FROM customer '
        'GROUP BY tenant, date(created_at), door'))
    outbox = sa.table('outbox_message', sa.column('id', sa.String), sa.column('payload', sa.JSON),
                      sa.column('customer_id', sa.String))
    for message_id, payload in connection.execute(sa.select(outbox.c.id, outbox.c.payload)):
        payload = payload or {}
        data = payload.get('data') if isinstance(payload.get('data'), dict) else {}
        about = payload.get('customerId') or data.get('customerId')
        if about:
            connection.execute(outbox.update().where(outbox.c.id == message_id)
                               .values(customer_id=about))


def upgrade():
    op.create_table(
        'operator',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=200), nullable=False),
        sa.Column('tenants', sa.JSON(), nullable=True),
        sa.Column('password_hash', sa.String(length=255), nullable=True),
        sa.Column('totp_secret', sa.Text(), nullable=False),
        sa.Column('totp_last_step', sa.Integer(), nullable=False),
        sa.Column('setup_token_sha256', sa.String(length=64), nullable=True),
        sa.Column('setup_expires_at', sa.DateTime(), nullable=True),
        sa.Column('enrolled_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('email'),
        sa.UniqueConstraint('setup_token_sha256'),
    )
    op.create_table(
        'operator_audit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('operator', sa.String(length=200), nullable=False),
        sa.Column('action', sa.String(length=64), nullable=False),
        sa.Column('tenant', sa.String(length=64), nullable=True),
        sa.Column('customer_id', sa.String(length=36), nullable=True),
        sa.Column('detail', sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_operator_audit_tenant_at', 'operator_audit', ['tenant', 'at'])
    op.create_index('ix_operator_audit_customer_id', 'operator_audit', ['customer_id'])
    op.create_table(
        'wizard_step_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tenant', sa.String(length=64), nullable=False),
        sa.Column('door', sa.String(length=16), nullable=False),
        sa.Column('step', sa.String(length=16), nullable=False),
        sa.Column('event', sa.String(length=16), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('draft', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('draft', 'step', name='uq_wizard_step_event_draft_step'),
    )
    op.create_table(
        'daily_registrations',
        sa.Column('tenant', sa.String(length=64), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('door', sa.String(length=16), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('tenant', 'day', 'door'),
    )
    op.create_table(
        'daily_funnel',
        sa.Column('tenant', sa.String(length=64), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('door', sa.String(length=16), nullable=False),
        sa.Column('step', sa.String(length=16), nullable=False),
        sa.Column('drafts', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('tenant', 'day', 'door', 'step'),
    )
    with op.batch_alter_table('customer') as batch:
        batch.add_column(sa.Column('erased_at', sa.DateTime(), nullable=True))
        batch.create_index('ix_customer_tenant_email', ['tenant', 'email'])
        batch.create_index('ix_customer_tenant_number', ['tenant', 'number'])
    with op.batch_alter_table('api_key') as batch:
        batch.add_column(sa.Column('last_used_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('outbox_message') as batch:
        batch.add_column(sa.Column('customer_id', sa.String(length=36), nullable=True))
        batch.create_index('ix_outbox_message_customer_id', ['customer_id'])
    _backfill()


def downgrade():
    with op.batch_alter_table('outbox_message') as batch:
        batch.drop_index('ix_outbox_message_customer_id')
        batch.drop_column('customer_id')
    with op.batch_alter_table('api_key') as batch:
        batch.drop_column('last_used_at')
    with op.batch_alter_table('customer') as batch:
        batch.drop_index('ix_customer_tenant_number')
        batch.drop_index('ix_customer_tenant_email')
        batch.drop_column('erased_at')
    for table in ('daily_funnel', 'daily_registrations', 'wizard_step_event', 'operator_audit',
                  'operator'):
        op.drop_table(table)

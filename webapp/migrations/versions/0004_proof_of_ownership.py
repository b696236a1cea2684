"""proof of ownership: verified emails, verification codes, consent status and evidence

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 04:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('customer') as batch:
        batch.add_column(sa.Column('email_verified_at', sa.DateTime(), nullable=True))
    # Consents given before double opt-in existed were given at once: confirmed when granted.
    with op.batch_alter_table('consent_record') as batch:
        batch.add_column(sa.Column('status', sa.String(length=16), nullable=False,
                                   server_default='confirmed'))
        batch.add_column(sa.Column('confirmed_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('withdrawn_at', sa.DateTime(), nullable=True))
    op.execute('UPDATE consent_record SET confirmed_at = granted_at')
    with op.batch_alter_table('consent_record') as batch:
        batch.alter_column('status', server_default=None)
    op.create_table(
        'consent_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('door', sa.String(length=16), nullable=False),
        sa.Column('version', sa.String(length=64), nullable=False),
        sa.Column('client_hash', sa.String(length=64), nullable=True),
        sa.Column('agent_hash', sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(['record_id'], ['consent_record.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_consent_event_record_id', 'consent_event', ['record_id'])
    op.create_table(
        'verification_code',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('draft_id', sa.String(length=36), nullable=False),
        sa.Column('email_key', sa.String(length=400), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=True),
        sa.Column('wrong_tries', sa.Integer(), nullable=False),
        sa.Column('resent', sa.Boolean(), nullable=False),
        sa.Column('spent', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('verified_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['draft_id'], ['draft.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_verification_code_draft_id', 'verification_code', ['draft_id'])


def downgrade():
    op.drop_index('ix_verification_code_draft_id', table_name='verification_code')
    op.drop_table('verification_code')
    op.drop_index('ix_consent_event_record_id', table_name='consent_event')
    op.drop_table('consent_event')
    with op.batch_alter_table('consent_record') as batch:
        batch.drop_column('withdrawn_at')
        batch.drop_column('confirmed_at')
        batch.drop_column('status')
    with op.batch_alter_table('customer') as batch:
        batch.drop_column('email_verified_at')

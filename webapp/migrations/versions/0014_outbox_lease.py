"""outbox_message.leased_until: the lease of a worker's claim, in a column of its own

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08 02:50:00

A claim pushed `next_attempt_at` forward by its lease, and "retry now" set it back to now, so a
message being sent could be claimed and sent by a second worker as well. The lease's end is now
also kept here, and "retry now" leaves a held message alone.
"""
from alembic import op
import sqlalchemy as sa

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('leased_until', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('leased_until')

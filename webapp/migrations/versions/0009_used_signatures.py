"""HMAC signatures already used, remembered for their window

Revision ID: 0009
Revises: 0003
Create Date: 2026-12-06 05:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'used_signature',
        sa.Column('signature', sa.String(length=64), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('signature'),
    )
    with op.batch_alter_table('used_signature', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_used_signature_expires_at'), ['expires_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('used_signature', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_used_signature_expires_at'))
    op.drop_table('used_signature')

"""operator.session_epoch: signing out ends every session of the operator

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 04:20:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('operator', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('session_epoch', sa.Integer(), server_default='0', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('operator', schema=None) as batch_op:
        batch_op.drop_column('session_epoch')

"""abuse defence: the draft's first drawing and trap, blocked attempts, spent challenges

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-06 04:20:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('draft') as batch:
        batch.add_column(sa.Column('started_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('trapped', sa.String(length=16), nullable=True))
    op.create_table('blocked_attempt',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('tenant', sa.String(length=64), nullable=False),
                    sa.Column('door', sa.String(length=16), nullable=False),
                    sa.Column('reason', sa.String(length=16), nullable=False),
                    sa.Column('created_at', sa.DateTime(), nullable=False),
                    sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_blocked_attempt_created_at', 'blocked_attempt', ['created_at'])
    op.create_table('spent_challenge',
                    sa.Column('signature', sa.String(length=128), nullable=False),
                    sa.Column('expires_at', sa.DateTime(), nullable=False),
                    sa.PrimaryKeyConstraint('signature'))
    op.create_index('ix_spent_challenge_expires_at', 'spent_challenge', ['expires_at'])


def downgrade():
    op.drop_index('ix_spent_challenge_expires_at', table_name='spent_challenge')
    op.drop_table('spent_challenge')
    op.drop_index('ix_blocked_attempt_created_at', table_name='blocked_attempt')
    op.drop_table('blocked_attempt')
    with op.batch_alter_table('draft') as batch:
        batch.drop_column('trapped')
        batch.drop_column('started_at')

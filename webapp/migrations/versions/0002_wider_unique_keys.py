"""uniqueness keys wide enough for what case folding makes of 200 characters

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 14:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def _widths(username, email):
    # Batch mode: SQLite cannot alter a column in place.
    with op.batch_alter_table('customer') as batch:
        batch.alter_column('username_key', type_=sa.String(length=username), nullable=False)
        batch.alter_column('email_unique_key', type_=sa.String(length=email), nullable=True)


def upgrade():
    _widths(600, 400)


def downgrade():
    _widths(200, 200)

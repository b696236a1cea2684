"""the dialect doors named for what they are: online_ordering and web_store

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 04:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

RENAMED = {'seed_b': 'online_ordering', 'seed_c': 'web_store'}


def _rename(mapping):
    for table in ('customer', 'consent_record'):
        for old, new in mapping.items():
            op.execute(sa.text(f'UPDATE {table} SET door = :new WHERE door = :old')
                       .bindparams(old=old, new=new))


def upgrade():
    _rename(RENAMED)


def downgrade():
    _rename({new: old for old, new in RENAMED.items()})

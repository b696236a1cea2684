"""customer numbers counted per tenant: customer.tenant_number and the customer_counter table

Revision ID: 0007
Revises: 0003
Create Date: 2026-12-06 04:30:00

Existing customers keep the number they were given (the row's own number, which they have been
shown until now); each tenant's counter starts at its highest.
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tenant_number', sa.Integer(), nullable=True))
    op.execute('UPDATE customer SET tenant_number = number')
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.alter_column('tenant_number', existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint('uq_customer_tenant_number',
                                          ['tenant', 'tenant_number'])
    op.create_table(
        'customer_counter',
        sa.Column('tenant', sa.String(length=64), nullable=False),
        sa.Column('last', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('tenant'))
    op.execute('INSERT INTO customer_counter (tenant, last) '
               'SELECT tenant, MAX(tenant_number) FROM customer GROUP BY tenant')


def downgrade():
    op.drop_table('customer_counter')
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_constraint('uq_customer_tenant_number', type_='unique')
        batch_op.drop_column('tenant_number')

"""identity: users' email and disabled flag, page sessions as revocable tokens, login
throttling per (username, client address) with growing delays instead of a lockout

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('disabled', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=8), nullable=False, server_default='api'))
    op.create_table('login_throttles',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('username', sa.String(length=64), nullable=False),
                    sa.Column('address', sa.String(length=64), nullable=False),
                    sa.Column('failures', sa.Integer(), nullable=False),
                    sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=False),
                    sa.Column('retry_at', sa.DateTime(timezone=True), nullable=True),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_throttles')),
                    sa.UniqueConstraint('username', 'address', name=op.f('uq_login_throttles_username')))
    op.drop_index(op.f('ix_login_failures_username'), table_name='login_failures')
    op.drop_table('login_failures')


def downgrade():
    op.create_table('login_failures',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('username', sa.String(length=64), nullable=False),
                    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failures')))
    op.create_index(op.f('ix_login_failures_username'), 'login_failures', ['username'])
    op.drop_table('login_throttles')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('kind')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('disabled')
        batch_op.drop_column('email')

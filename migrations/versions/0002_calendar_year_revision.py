"""calendar years: special holidays and a revision counter

The special (one-off) days off of a loaded schedule must survive the round trip through the
table, and the revision lets every process notice a year re-loaded within the same instant.

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('calendar_years', schema=None) as batch_op:
        batch_op.add_column(sa.Column('special_holidays', sa.JSON(), nullable=False,
                                      server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('revision', sa.Integer(), nullable=False,
                                      server_default=sa.text('1')))


def downgrade():
    with op.batch_alter_table('calendar_years', schema=None) as batch_op:
        batch_op.drop_column('revision')
        batch_op.drop_column('special_holidays')

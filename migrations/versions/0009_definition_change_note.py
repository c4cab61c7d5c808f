"""process definitions: the change note an administrator gave when deploying a version

Revision ID: 0009
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('process_definitions') as batch:
        batch.add_column(sa.Column('note', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('process_definitions') as batch:
        batch.drop_column('note')

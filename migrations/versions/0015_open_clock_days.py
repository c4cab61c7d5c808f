"""the dashboard's open clocks counted per day at each statistics refresh

The dashboard judged every open SLA clock (100,000 rows at a big city's scale) on each view to
tally them late or on time. ``sla_open_clock_days`` holds them counted by what that judgement
needs, rewritten by each refresh (app/sla/rollup.py); the dashboard reads these rows and
replaces only the clocks of the cases changed since.

Revision ID: 0015
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sla_open_clock_days',
                    sa.Column('kind', sa.String(length=16), nullable=False),
                    sa.Column('name', sa.String(length=200), nullable=False),
                    sa.Column('status', sa.String(length=16), nullable=False),
                    sa.Column('state', sa.String(length=16), nullable=False),
                    sa.Column('breached', sa.Boolean(), nullable=False),
                    sa.Column('due_date', sa.Date(), nullable=False),
                    sa.Column('n', sa.BigInteger(), nullable=False),
                    sa.PrimaryKeyConstraint('kind', 'name', 'status', 'state', 'breached', 'due_date',
                                            name=op.f('pk_sla_open_clock_days')))
    op.execute("""
        INSERT INTO sla_open_clock_days (kind, name, status, state, breached, due_date, n)
        SELECT kind, name, status, state, breached, due_date, count(*) FROM sla_open_clocks
        GROUP BY kind, name, status, state, breached, due_date""")


def downgrade():
    op.drop_table('sla_open_clock_days')

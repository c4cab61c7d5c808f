"""read side at scale: composite indexes for the inbox, the request lists and their order;
incremental supervision statistics

The request lists are ordered by (created_at DESC, id DESC) and narrowed by the caller's
visibility (applicant, applicant department, provider department, departments with a task on
the case) or a status: each of those gets an index ending in (created_at, id), so a page is a
short backward index scan, not a sort of every visible case. The single-column indexes they
replace are dropped. An approver's own open tasks: (assignee_id, state) instead of assignee_id
alone, which held every task the user ever completed. The departments' tasks per case:
(department_id, case_id) for the visibility test. cases.updated_at: the cases changed since
the statistics' last refresh. audit_events (type, seq): every page's notification badge looks
for the caller's reassigned tasks and decisions among the newest events of those types. The
statistics tables: app/models/stats.py, app/sla/rollup.py.

Revision ID: 0013
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa

revision = '0013'
down_revision = '0009'
branch_labels = None
depends_on = None

REPLACED = {  # dropped index -> (new index, columns)
    'cases': {'ix_cases_applicant_id': ('ix_cases_applicant_created', ['applicant_id', 'created_at', 'id']),
              'ix_cases_department_id': ('ix_cases_department_created', ['department_id', 'created_at', 'id']),
              'ix_cases_provider_department_id': ('ix_cases_provider_created',
                                                  ['provider_department_id', 'created_at', 'id']),
              'ix_cases_created_at': ('ix_cases_created', ['created_at', 'id']),  # + INCLUDE (VISIBILITY)
              'ix_cases_status': ('ix_cases_status_created', ['status', 'created_at', 'id'])},
    'human_tasks': {'ix_human_tasks_assignee_id': ('ix_human_tasks_assignee_state', ['assignee_id', 'state'])},
}
# PostgreSQL: the newest-first scan tests visibility and filters from the index alone
VISIBILITY = ['applicant_id', 'department_id', 'provider_department_id', 'status', 'kind']
OLD_COLUMNS = {'ix_cases_applicant_id': ['applicant_id'], 'ix_cases_department_id': ['department_id'],
               'ix_cases_provider_department_id': ['provider_department_id'], 'ix_cases_created_at': ['created_at'],
               'ix_cases_status': ['status'], 'ix_human_tasks_assignee_id': ['assignee_id']}


def upgrade():
    for table, indexes in REPLACED.items():
        for old, (new, columns) in indexes.items():
            include = VISIBILITY if new == 'ix_cases_created' else None
            op.create_index(new, table, columns, postgresql_include=include)
            op.drop_index(old, table_name=table)
    op.create_index('ix_human_tasks_department_case', 'human_tasks', ['department_id', 'case_id'])
    op.create_index('ix_cases_updated', 'cases', ['updated_at'])
    op.create_index('ix_audit_events_type_seq', 'audit_events', ['type', 'seq'])
    _statistics()


def _statistics():
    count = lambda name: sa.Column(name, sa.BigInteger(), nullable=False)  # noqa: E731
    op.create_table('sla_rollup',
                    sa.Column('scope', sa.String(length=16), nullable=False),
                    sa.Column('key', sa.String(length=200), nullable=False),
                    count('on_time'), count('late'), count('days_sum'), count('days_n'),
                    sa.PrimaryKeyConstraint('scope', 'key', name=op.f('pk_sla_rollup')))
    op.create_table('sla_case_marks',
                    sa.Column('case_id', sa.String(length=32), nullable=False),
                    sa.Column('closed', sa.JSON(), nullable=False),
                    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_sla_case_marks_case_id_cases')),
                    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_sla_case_marks')))
    op.create_table('sla_open_clocks',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('case_id', sa.String(length=32), nullable=False),
                    sa.Column('kind', sa.String(length=16), nullable=False),
                    sa.Column('status', sa.String(length=16), nullable=False),
                    sa.Column('name', sa.String(length=200), nullable=False),
                    sa.Column('state', sa.String(length=16), nullable=False),
                    sa.Column('breached', sa.Boolean(), nullable=False),
                    sa.Column('due_date', sa.Date(), nullable=False),
                    sa.Column('provider_department_id', sa.Integer(), nullable=True),
                    sa.Column('resource_code', sa.String(length=64), nullable=True),
                    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_sla_open_clocks_case_id_cases')),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_open_clocks')))
    op.create_index(op.f('ix_sla_open_clocks_case_id'), 'sla_open_clocks', ['case_id'])
    op.create_index(op.f('ix_sla_open_clocks_due_date'), 'sla_open_clocks', ['due_date'])
    op.create_table('sla_rollup_state',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('through', sa.DateTime(timezone=True), nullable=True),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_rollup_state')))


def downgrade():
    for table in ('sla_rollup_state', 'sla_open_clocks', 'sla_case_marks', 'sla_rollup'):
        op.drop_table(table)
    op.drop_index('ix_audit_events_type_seq', table_name='audit_events')
    op.drop_index('ix_cases_updated', table_name='cases')
    op.drop_index('ix_human_tasks_department_case', table_name='human_tasks')
    for table, indexes in REPLACED.items():
        for old, (new, _columns) in indexes.items():
            op.create_index(old, table, OLD_COLUMNS[old])
            op.drop_index(new, table_name=table)

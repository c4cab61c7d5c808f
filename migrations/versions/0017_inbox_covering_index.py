"""the inbox picks a page from its index alone

ix_human_tasks_inbox (state, department_id, role, due_date) now also carries what the inbox
filters and orders by (assignee, arrival, id, kind, case, resource, applicant department), and
the inbox reads it per branch (app/cases/access.py inbox_branches): a page of a department's
3,000 open tasks no longer fetches the 2,500 table pages they lie on. PostgreSQL only (INCLUDE);
elsewhere the index is unchanged.

Revision ID: 0017
Revises: 0016
"""
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

COLUMNS = ['state', 'department_id', 'role', 'due_date']
COVERS = ['assignee_id', 'created_at', 'id', 'kind', 'case_id', 'resource_code', 'applicant_department_id']


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index('ix_human_tasks_inbox', table_name='human_tasks')
    op.create_index('ix_human_tasks_inbox', 'human_tasks', COLUMNS, postgresql_include=COVERS)


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index('ix_human_tasks_inbox', table_name='human_tasks')
    op.create_index('ix_human_tasks_inbox', 'human_tasks', COLUMNS)

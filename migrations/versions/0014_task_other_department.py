"""who may read a case: the tasks of departments other than the case's own two, flagged

A department reads a case it filed or provides, or one in which it has a task. The request
lists tested the last with every task the department ever had (for a provider, one per case
it answered: 33,000 case ids hashed on every list request at a big city's scale), although
the case's own two departments are already tested by their columns. ``other_department``
marks the tasks that matter (the city authority's coordination, a grant holder's
acknowledgement); a partial index holds only those, and replaces (department_id, case_id).

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('human_tasks') as batch:
        batch.add_column(sa.Column('other_department', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute("""
        UPDATE human_tasks SET other_department = TRUE
        WHERE department_id IS NOT NULL AND EXISTS (
            SELECT 1 FROM cases c WHERE c.id = human_tasks.case_id
            AND human_tasks.department_id IS DISTINCT FROM c.department_id
            AND human_tasks.department_id IS DISTINCT FROM c.provider_department_id)""")
    op.create_index('ix_human_tasks_other_department', 'human_tasks', ['department_id', 'case_id'],
                    postgresql_where=sa.text('other_department'), sqlite_where=sa.text('other_department'))
    op.drop_index('ix_human_tasks_department_case', table_name='human_tasks')


def downgrade():
    op.create_index('ix_human_tasks_department_case', 'human_tasks', ['department_id', 'case_id'])
    op.drop_index('ix_human_tasks_other_department', table_name='human_tasks')
    with op.batch_alter_table('human_tasks') as batch:
        batch.drop_column('other_department')

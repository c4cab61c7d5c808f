"""the inbox's search and resource filter read the tasks alone

Searching the inbox (resource code or name, applicant department, purpose) and filtering it by
resource joined every task in scope to its case: 3,000 case rows read for one search at a big
city's scale. The tasks now carry their case's resource code, applicant department and purpose
(app/cases/projection.py keeps them current); resource names and department names are matched
in their own small tables first.

Revision ID: 0016
Revises: 0015
"""
from alembic import op
import sqlalchemy as sa

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('human_tasks') as batch:
        batch.add_column(sa.Column('resource_code', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('applicant_department_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('purpose', sa.Text(), nullable=True))
    purpose = ("c.input->>'purpose'" if op.get_bind().dialect.name == 'postgresql'
               else "json_extract(c.input, '$.purpose')")
    op.execute(f"""
        UPDATE human_tasks SET
            resource_code = (SELECT c.resource_code FROM cases c WHERE c.id = human_tasks.case_id),
            applicant_department_id = (SELECT c.department_id FROM cases c WHERE c.id = human_tasks.case_id),
            purpose = (SELECT {purpose} FROM cases c WHERE c.id = human_tasks.case_id)""")


def downgrade():
    with op.batch_alter_table('human_tasks') as batch:
        batch.drop_column('purpose')
        batch.drop_column('applicant_department_id')
        batch.drop_column('resource_code')

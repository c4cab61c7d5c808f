"""the request lists' indexes per way of reading a case cover the lists' filters

A department's request list takes the newest cases of each way they are its to read (filed by
the caller, filed or provided by the department, app/cases/lists.py) from that way's index and
merges them. Filtered by status (pending: a tenth of a department's 33,000 cases), kind or
process version, each index entry's case row had to be read to test the filter; the indexes
now carry those columns (PostgreSQL INCLUDE; elsewhere they are unchanged).

Revision ID: 0019
Revises: 0018
"""
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

INDEXES = {'ix_cases_applicant_created': 'applicant_id', 'ix_cases_department_created': 'department_id',
           'ix_cases_provider_created': 'provider_department_id'}
COVERS = ['status', 'kind', 'process_definition_id']


def _rebuild(include):
    if op.get_bind().dialect.name != 'postgresql':
        return
    for name, column in INDEXES.items():
        op.drop_index(name, table_name='cases')
        op.create_index(name, 'cases', [column, 'created_at', 'id'], postgresql_include=include)


def upgrade():
    _rebuild(COVERS)


def downgrade():
    _rebuild(None)

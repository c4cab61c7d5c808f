"""grants: what each using department may use, on which terms, until when (Art. 21, 22)

Revision ID: 0007
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('grants',
                    sa.Column('id', sa.String(length=32), nullable=False),
                    sa.Column('resource_code', sa.String(length=64), nullable=False),
                    sa.Column('department_id', sa.Integer(), nullable=False),
                    sa.Column('provider_department_id', sa.Integer(), nullable=False),
                    sa.Column('case_id', sa.String(length=32), nullable=False),
                    sa.Column('purpose', sa.Text(), nullable=False),
                    sa.Column('conditions', sa.Text(), nullable=True),
                    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
                    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
                    sa.Column('state', sa.String(length=16), nullable=False),
                    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
                    sa.Column('revoked_by', sa.String(length=64), nullable=True),
                    sa.Column('revoked_reason', sa.Text(), nullable=True),
                    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_grants_case_id_cases')),
                    sa.ForeignKeyConstraint(['department_id'], ['departments.id'],
                                            name=op.f('fk_grants_department_id_departments')),
                    sa.ForeignKeyConstraint(['provider_department_id'], ['departments.id'],
                                            name=op.f('fk_grants_provider_department_id_departments')),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_grants')),
                    sa.UniqueConstraint('case_id', name=op.f('uq_grants_case_id')))
    op.create_index(op.f('ix_grants_resource_code'), 'grants', ['resource_code'])
    op.create_index(op.f('ix_grants_department_id'), 'grants', ['department_id'])
    op.create_index(op.f('ix_grants_provider_department_id'), 'grants', ['provider_department_id'])
    op.create_index(op.f('ix_grants_expires_at'), 'grants', ['expires_at'])


def downgrade():
    for column in ('expires_at', 'provider_department_id', 'department_id', 'resource_code'):
        op.drop_index(op.f(f'ix_grants_{column}'), table_name='grants')
    op.drop_table('grants')

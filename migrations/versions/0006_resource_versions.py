"""resource versions: every published state of a catalog entry; existing entries become version 1

Revision ID: 0006
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0007'
branch_labels = None
depends_on = None

FIELDS = ("code", "name", "share_type", "share_conditions", "legal_basis", "open_type", "security_level",
          "update_cycle", "on_platform")


def upgrade():
    versions = op.create_table(
        'resource_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('resource_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('by', sa.String(length=64), nullable=False),
        sa.Column('case_id', sa.String(length=32), nullable=True),
        sa.Column('fields', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_resource_versions_case_id_cases')),
        sa.ForeignKeyConstraint(['resource_id'], ['resources.id'],
                                name=op.f('fk_resource_versions_resource_id_resources')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_resource_versions')),
        sa.UniqueConstraint('resource_id', 'version', name=op.f('uq_resource_versions_resource_id')))
    op.create_index(op.f('ix_resource_versions_resource_id'), 'resource_versions', ['resource_id'])
    op.create_index(op.f('ix_resource_versions_case_id'), 'resource_versions', ['case_id'])
    # Entries published before versions existed: their current state is version 1.
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT r.id, r.updated_at, d.code AS provider, " + ", ".join(f"r.{f}" for f in FIELDS) +
        " FROM resources r JOIN departments d ON d.id = r.provider_id")
        .columns(updated_at=sa.DateTime(timezone=True))).mappings().all()
    if rows:
        op.bulk_insert(versions, [
            {"resource_id": row["id"], "version": 1, "at": row["updated_at"], "by": "system", "case_id": None,
             "fields": {**{f: row[f] for f in FIELDS}, "provider": row["provider"],
                        "on_platform": bool(row["on_platform"])}}
            for row in rows])


def downgrade():
    op.drop_index(op.f('ix_resource_versions_case_id'), table_name='resource_versions')
    op.drop_index(op.f('ix_resource_versions_resource_id'), table_name='resource_versions')
    op.drop_table('resource_versions')

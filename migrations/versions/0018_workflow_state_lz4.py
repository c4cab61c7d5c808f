"""stored workflow state compressed with lz4 (PostgreSQL)

Every command loads a case's stored workflow (about 10 kB of JSON) and writes it back, and
PostgreSQL compresses such values with pglz by default: a timer storm (10,000 firings) spent
a noticeable share of its database CPU there. lz4 compresses and decompresses several times
faster at about the same size. Values stored before keep their compression until rewritten
(the next command on their case). PostgreSQL 14+ built with lz4; elsewhere nothing changes.

Revision ID: 0018
Revises: 0017
"""
from alembic import op
import sqlalchemy as sa

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def _lz4_available() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return False
    return bool(bind.execute(sa.text(
        "SELECT count(*) FROM pg_settings WHERE name = 'default_toast_compression' "
        "AND 'lz4' = ANY(enumvals)")).scalar())


def upgrade():
    if _lz4_available():
        op.execute("ALTER TABLE cases ALTER COLUMN workflow_state SET COMPRESSION lz4")


def downgrade():
    if _lz4_available():
        op.execute("ALTER TABLE cases ALTER COLUMN workflow_state SET COMPRESSION pglz")

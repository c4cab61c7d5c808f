"""audit events: an index on the event time

Auditors export a date range of events (GET /audit/events?from=&to=); without an index that
scans the whole log.

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_audit_events_at', 'audit_events', ['at'])


def downgrade():
    op.drop_index('ix_audit_events_at', table_name='audit_events')

"""daily work: comments, attachments, notification read marks, the mail outbox

Revision ID: 0011
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

revision = '0011'
down_revision = '0006'
branch_labels = None
depends_on = None


def _at(name, nullable=False):
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade():
    op.create_table('case_comments',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('case_id', sa.String(length=32), nullable=False),
                    sa.Column('author_id', sa.Integer(), nullable=False),
                    sa.Column('text', sa.Text(), nullable=False),
                    sa.Column('internal', sa.Boolean(), nullable=False),
                    _at('created_at'),
                    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_comments_case_id_cases')),
                    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_case_comments_author_id_users')),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_comments')))
    op.create_index(op.f('ix_case_comments_case_id'), 'case_comments', ['case_id'])
    op.create_table('case_attachments',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('case_id', sa.String(length=32), nullable=False),
                    sa.Column('uploader_id', sa.Integer(), nullable=False),
                    sa.Column('name', sa.String(length=255), nullable=False),
                    sa.Column('size', sa.BigInteger(), nullable=False),
                    sa.Column('sha256', sa.String(length=64), nullable=False),
                    sa.Column('content_type', sa.String(length=128), nullable=False),
                    _at('created_at'),
                    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_attachments_case_id_cases')),
                    sa.ForeignKeyConstraint(['uploader_id'], ['users.id'],
                                            name=op.f('fk_case_attachments_uploader_id_users')),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_attachments')))
    op.create_index(op.f('ix_case_attachments_case_id'), 'case_attachments', ['case_id'])
    op.create_index(op.f('ix_case_attachments_sha256'), 'case_attachments', ['sha256'])
    op.create_table('notification_reads',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('user_id', sa.Integer(), nullable=False),
                    sa.Column('notification_id', sa.String(length=128), nullable=False),
                    _at('read_at'),
                    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_reads_user_id_users')),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_reads')),
                    sa.UniqueConstraint('user_id', 'notification_id',
                                        name=op.f('uq_notification_reads_user_id')))
    op.create_index(op.f('ix_notification_reads_user_id'), 'notification_reads', ['user_id'])
    op.create_table('mail_outbox',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('user_id', sa.Integer(), nullable=False),
                    sa.Column('notification_id', sa.String(length=128), nullable=False),
                    sa.Column('recipient', sa.String(length=320), nullable=False),
                    sa.Column('subject', sa.String(length=300), nullable=False),
                    sa.Column('body', sa.Text(), nullable=False),
                    sa.Column('state', sa.String(length=16), nullable=False),
                    sa.Column('attempts', sa.Integer(), nullable=False),
                    _at('next_try_at'), _at('sent_at', True),
                    sa.Column('last_error', sa.Text(), nullable=True),
                    _at('created_at'),
                    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mail_outbox_user_id_users')),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_outbox')))
    op.create_index(op.f('ix_mail_outbox_user_id'), 'mail_outbox', ['user_id'])
    op.create_index(op.f('ix_mail_outbox_state'), 'mail_outbox', ['state'])


def downgrade():
    for table in ('mail_outbox', 'notification_reads', 'case_attachments', 'case_comments'):
        op.drop_table(table)

"""Add the SMS consent history, one-time codes and reminder tables.

Phone numbers are stored in E.164 form; DateTime columns hold naive UTC values.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 21:32:39.777478
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sms_consent_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('opted_out', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('keyword', sa.String(length=16), nullable=True),
    sa.Column('message_sid', sa.String(length=64), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sms_consent_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sms_consent_changes_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sms_consent_changes_phone'), ['phone'], unique=False)

    op.create_table('sms_one_time_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=True),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], ),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sms_one_time_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sms_one_time_codes_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sms_one_time_codes_phone'), ['phone'], unique=False)

    op.create_table('sms_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('window', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('provider_message_id', sa.String(length=64), nullable=True),
    sa.Column('claimed_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('response', sa.String(length=16), nullable=True),
    sa.Column('responded_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], ),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('appointment_id', 'window', name='uq_sms_reminder_window')
    )
    with op.batch_alter_table('sms_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sms_reminders_appointment_id'), ['appointment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sms_reminders_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sms_reminders_phone'), ['phone'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('sms_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sms_reminders_phone'))
        batch_op.drop_index(batch_op.f('ix_sms_reminders_organization_id'))
        batch_op.drop_index(batch_op.f('ix_sms_reminders_appointment_id'))

    op.drop_table('sms_reminders')
    with op.batch_alter_table('sms_one_time_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sms_one_time_codes_phone'))
        batch_op.drop_index(batch_op.f('ix_sms_one_time_codes_organization_id'))

    op.drop_table('sms_one_time_codes')
    with op.batch_alter_table('sms_consent_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sms_consent_changes_phone'))
        batch_op.drop_index(batch_op.f('ix_sms_consent_changes_organization_id'))

    op.drop_table('sms_consent_changes')

"""A clinician's account belongs to one clinic: the e-mail is unique within a clinic, not across
all of them, so inviting an address that another clinic uses makes an account here like any other,
and the invite says nothing about other clinics. A login tries each account of its e-mail.

Revision ID: 0011b
Revises: 0011
"""

from __future__ import annotations

from alembic import op

revision = "0011b"
down_revision = "0011"
branch_labels = None
depends_on = None

# SQLite's unnamed UNIQUE (email), reflected under a name so batch mode can drop it
NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("clinicians_email_key", "clinicians", type_="unique")
        op.create_unique_constraint("uq_clinicians_clinic_email", "clinicians", ["clinic_id", "email"])
        return
    with op.batch_alter_table("clinicians", naming_convention=NAMING, recreate="always") as table:
        table.drop_constraint("uq_clinicians_email", type_="unique")
        table.create_unique_constraint("uq_clinicians_clinic_email", ["clinic_id", "email"])


def downgrade() -> None:
    with op.batch_alter_table("clinicians", naming_convention=NAMING) as table:
        table.drop_constraint("uq_clinicians_clinic_email", type_="unique")
        table.create_unique_constraint("uq_clinicians_email", ["email"])

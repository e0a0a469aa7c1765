"""Programme templates, per clinic: a named programme a clinician saved to start other plans from
(`records.templates`; a template of no clinic belongs to this installation's command line), and a
clinic's branding for its handouts (`records.branding`).

Example:
    >>> from planner.store.database import Store
    >>> with Store.open("sqlite://").read() as records:
    ...     records.templates.all(None)
    []
"""

from __future__ import annotations

import datetime as dt
import json

import attrs
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from planner.core.plain_data import programme_from_dict, programme_to_dict
from planner.core.programme import Programme
from planner.store.calendar_sync import utc_text
from planner.store.schema import clinic_branding, clinicians, clinics, plans, programme_templates


@attrs.frozen
class Template:
    clinic_id: int | None
    name: str
    description: str
    protocol_id: str  # the plan it was saved from followed this protocol
    programme: Programme


def _clinic(clinic_id: int | None) -> sa.ColumnElement[bool]:
    column = programme_templates.c.clinic_id
    return column.is_(None) if clinic_id is None else column == clinic_id


class TemplateRecords:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def clinic_of(self, plan_id: str) -> int | None:
        return self.connection.execute(sa.select(plans.c.clinic_id).where(plans.c.id == plan_id)).scalar()

    def save(self, template: Template, now: dt.datetime) -> None:
        """Save or replace the clinic's template of that name."""
        data = json.dumps(programme_to_dict(template.programme), sort_keys=True)
        where = _clinic(template.clinic_id) & (programme_templates.c.name == template.name)
        values = {
            "description": template.description,
            "protocol_id": template.protocol_id,
            "programme": data,
            "updated_at": utc_text(now),
        }
        updated = self.connection.execute(programme_templates.update().where(where).values(**values))
        if not updated.rowcount:
            self.connection.execute(
                programme_templates.insert().values(
                    clinic_id=template.clinic_id, name=template.name, **values
                )
            )

    def all(self, clinic_id: int | None) -> list[Template]:
        rows = self.connection.execute(
            sa.select(programme_templates).where(_clinic(clinic_id)).order_by(programme_templates.c.name)
        ).all()
        return [_template(r) for r in rows]

    def clinic_by_name(self, clinic_name: str) -> int | None:
        return self.connection.execute(sa.select(clinics.c.id).where(clinics.c.name == clinic_name)).scalar()

    def get(self, clinic_id: int | None, name: str) -> Template | None:
        row = self.connection.execute(
            sa.select(programme_templates).where(_clinic(clinic_id) & (programme_templates.c.name == name))
        ).first()
        return None if row is None else _template(row)


def _template(row: sa.Row[object]) -> Template:
    programme = programme_from_dict(json.loads(row.programme))
    return Template(row.clinic_id, row.name, row.description, row.protocol_id, programme)


class BrandingRecords:
    """A clinic's branding: the clinic file's fields (JSON) and the logo's bytes."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def get(self, clinic_id: int) -> tuple[dict[str, str], bytes | None] | None:
        row = self.connection.execute(
            sa.select(clinic_branding).where(clinic_branding.c.clinic_id == clinic_id)
        ).first()
        return None if row is None else (json.loads(row.fields), row.logo)

    def save(self, clinic_id: int, fields: dict[str, str], logo: bytes | None, now: dt.datetime) -> None:
        values = {"fields": json.dumps(fields, sort_keys=True), "logo": logo, "updated_at": utc_text(now)}
        where = clinic_branding.c.clinic_id == clinic_id
        if not self.connection.execute(clinic_branding.update().where(where).values(**values)).rowcount:
            self.connection.execute(clinic_branding.insert().values(clinic_id=clinic_id, **values))

    def creator_of(self, plan_id: str) -> str:
        """The name of the clinician who made the plan in the portal, or "" (the command line, a
        clinic list, /start, or a plan older than the record of it)."""
        return self._name_in(plans.c.created_by, plan_id)

    def clinician_of(self, plan_id: str) -> str:
        """The name of the patient's own clinician, or ""."""
        return self._name_in(plans.c.clinician_id, plan_id)

    def _name_in(self, column: sa.Column[int], plan_id: str) -> str:
        query = (
            sa.select(clinicians.c.name).join(plans, column == clinicians.c.id).where(plans.c.id == plan_id)
        )
        return self.connection.execute(query).scalar() or ""

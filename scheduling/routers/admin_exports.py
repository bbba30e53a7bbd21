"""Admin: bulk export of the organization's appointments (ids, times and status only)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from scheduling.auth.deps import ActorDep
from scheduling.deps import SessionDep
from scheduling.events import emit
from scheduling.models import Appointment
from scheduling.schemas import ErrorOut
from scheduling.staff_schemas import AppointmentExport, ExportedAppointment

router = APIRouter(prefix="/v1/admin/exports", tags=["admin"])
ERRORS = {code: {"model": ErrorOut} for code in (401, 403)}
MAX_EXPORT_ROWS = 100_000


@router.get("/appointments", response_model=AppointmentExport, responses=ERRORS)
def export_appointments(actor: ActorDep, session: SessionDep) -> AppointmentExport:
    """Return every appointment of the organization; admin and compliance, after re-auth.

    NOTE: the export is built in memory and capped at MAX_EXPORT_ROWS rows; a larger clinic
    needs a streamed or paged export.
    """
    actor.require("export.bulk")
    rows = session.scalars(
        select(Appointment)
        .where(Appointment.organization_id == actor.principal.organization_id)
        .order_by(Appointment.start_at, Appointment.id).limit(MAX_EXPORT_ROWS)
    ).all()
    emit("export.created", alert=True, kind="appointments", rows=len(rows),
         staff_id=actor.principal.id, organization_id=actor.principal.organization_id)
    return AppointmentExport(generated_at=actor.now, appointments=[
        ExportedAppointment(id=row.id, patient_id=row.patient_id, provider_id=row.provider_id,
                            site_id=row.site_id, appointment_type_id=row.appointment_type_id,
                            start=row.start_at, end=row.end_at, status=row.status)
        for row in rows])

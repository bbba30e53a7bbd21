"""Staff hand-off queue: list escalations in scope, claim, resolve or hand back to the bot.

States: `open` -> `claimed` (by one staff member) -> `resolved`, or `handed_back` when the
conversation returns to the assistant. Only the claimer or an admin may close a claim.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from sqlalchemy.orm import Session

from scheduling.auth.deps import Actor, ActorDep
from scheduling.deps import SessionDep
from scheduling.errors import ApiError
from scheduling.events import emit
from scheduling.models import Escalation, Patient
from scheduling.schemas import DatabaseId, ErrorOut
from scheduling.scope import patient_resource, scoped_escalations
from scheduling.staff_schemas import StaffEscalationList, StaffEscalationOut

router = APIRouter(prefix="/v1/staff/escalations", tags=["staff"])
ERRORS = {code: {"model": ErrorOut} for code in (401, 403, 404, 409, 422)}
EscalationId = Annotated[DatabaseId, Path(description="Escalation id")]
NOT_FOUND = "No escalation has this id. List them with GET /v1/staff/escalations."


def _out(escalation: Escalation) -> StaffEscalationOut:
    return StaffEscalationOut.model_validate(escalation, from_attributes=True)


def _load(session: Session, actor: Actor, escalation_id: int) -> Escalation:
    actor.require("escalation.update")
    escalation = session.get(Escalation, escalation_id, with_for_update=True)
    patient = session.get(Patient, escalation.patient_id) if escalation else None
    if escalation is None or patient is None:
        raise ApiError(404, "escalation_not_found", NOT_FOUND)
    actor.require("escalation.update", patient_resource(session, patient),
                  "escalation_not_found", NOT_FOUND)
    return escalation


@router.get("", response_model=StaffEscalationList, responses=ERRORS)
def list_escalations(actor: ActorDep, session: SessionDep,
                     status: Annotated[Literal["open", "claimed", "resolved", "handed_back"]
                                       | None, Query()] = "open",
                     limit: Annotated[int, Query(ge=1, le=200)] = 50) -> StaffEscalationList:
    """List escalations of patients in scope, newest first; `status` defaults to open."""
    actor.require("escalation.read")
    query = scoped_escalations(actor)
    if status is not None:
        query = query.where(Escalation.status == status)
    rows = session.scalars(query.order_by(Escalation.created_at.desc(),
                                          Escalation.id.desc()).limit(limit))
    return StaffEscalationList(escalations=[_out(row) for row in rows])


@router.post("/{escalation_id}/claim", response_model=StaffEscalationOut, responses=ERRORS)
def claim(escalation_id: EscalationId, actor: ActorDep, session: SessionDep) -> StaffEscalationOut:
    """Take an open escalation; 409 `escalation_not_open` when it is already taken or closed."""
    escalation = _load(session, actor, escalation_id)
    if escalation.status != "open":
        raise ApiError(409, "escalation_not_open", f"Escalation {escalation_id} is "
                       f"{escalation.status}, so it cannot be claimed.")
    escalation.status = "claimed"
    escalation.claimed_by_staff_id = actor.principal.id
    escalation.claimed_at = actor.now
    session.commit()
    emit("escalation.claimed", staff_id=actor.principal.id, escalation_id=escalation.id)
    return _out(escalation)


def _close(session: Session, actor: Actor, escalation_id: int, status: str) -> Escalation:
    escalation = _load(session, actor, escalation_id)
    if escalation.status != "claimed":
        raise ApiError(409, "escalation_not_claimed", f"Escalation {escalation_id} is "
                       f"{escalation.status}; claim it first with POST "
                       f"/v1/staff/escalations/{escalation_id}/claim.")
    if escalation.claimed_by_staff_id != actor.principal.id and actor.principal.role != "admin":
        raise ApiError(409, "claimed_by_another", f"Escalation {escalation_id} is claimed by "
                       "another staff member; only they or an admin can close it.")
    escalation.status = status
    escalation.closed_at = actor.now
    session.commit()
    emit(f"escalation.{status}", staff_id=actor.principal.id, escalation_id=escalation.id)
    return escalation


@router.post("/{escalation_id}/resolve", response_model=StaffEscalationOut, responses=ERRORS)
def resolve(escalation_id: EscalationId, actor: ActorDep, session: SessionDep) -> StaffEscalationOut:
    """Close a claimed escalation as handled by staff."""
    return _out(_close(session, actor, escalation_id, "resolved"))


@router.post("/{escalation_id}/hand-back", response_model=StaffEscalationOut, responses=ERRORS)
def hand_back(escalation_id: EscalationId, actor: ActorDep,
              session: SessionDep) -> StaffEscalationOut:
    """Close a claimed escalation and return the conversation to the assistant."""
    return _out(_close(session, actor, escalation_id, "handed_back"))

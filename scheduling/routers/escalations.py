"""Requests for a human to take over a conversation."""

from __future__ import annotations

import logging

from fastapi import APIRouter

from scheduling.deps import NowDep, SessionDep
from scheduling.models import Escalation
from scheduling.schemas import ErrorOut, EscalationCreate, EscalationOut
from scheduling.security import CurrentPatient

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/v1", tags=["escalations"])


@router.post("/escalations", status_code=201, response_model=EscalationOut,
             responses={401: {"model": ErrorOut}, 422: {"model": ErrorOut}})
def create_escalation(body: EscalationCreate, patient: CurrentPatient, session: SessionDep,
                      now: NowDep) -> EscalationOut:
    """Store an open escalation for staff; the summary is stored but never logged."""
    escalation = Escalation(
        organization_id=patient.organization_id,
        patient_id=patient.id,
        conversation_id=body.conversation_id,
        reason=body.reason,
        priority=body.priority,
        channel=body.channel,
        summary=body.summary,
        status="open",
        created_at=now,
    )
    session.add(escalation)
    session.commit()
    logger.info("Opened %s escalation %s for patient %s", body.priority, escalation.id,
                patient.id)
    return EscalationOut.model_validate(escalation, from_attributes=True)

"""Break-glass: 30 minutes of emergency access beyond the caller's sites and masking.

Starting it needs a fresh password or TOTP check and a typed reason of 20 or more characters.
The grant is stored with the reason, and an `break_glass.started` event with `alert=True`
notifies compliance. The elevation belongs to the current session only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from fastapi import APIRouter, Response
from sqlalchemy import select

from scheduling.account_models import BreakGlassGrant
from scheduling.auth.deps import ActorDep, CurrentSession, SessionsDep
from scheduling.deps import SessionDep, SettingsDep
from scheduling.errors import ApiError
from scheduling.events import emit
from scheduling.schemas import ErrorOut
from scheduling.staff_schemas import BreakGlassOut, BreakGlassRequest

router = APIRouter(prefix="/v1/staff/break-glass", tags=["staff"])
ERRORS = {code: {"model": ErrorOut} for code in (401, 403, 404, 422)}


@router.post("", status_code=201, response_model=BreakGlassOut, responses=ERRORS)
def start_break_glass(body: BreakGlassRequest, actor: ActorDep, record: CurrentSession,
                      session: SessionDep, settings: SettingsDep,
                      sessions: SessionsDep) -> BreakGlassOut:
    """Elevate this session for BREAK_GLASS_MINUTES and alert compliance."""
    actor.require("break_glass.start")
    now = actor.now
    expires = now + dt.timedelta(minutes=settings.break_glass_minutes)
    grant = BreakGlassGrant(organization_id=actor.principal.organization_id,
                            staff_id=actor.principal.id, session_ref=record.ref,
                            reason=body.reason.strip(), started_at=now, expires_at=expires)
    session.add(grant)
    session.commit()
    sessions.save(replace(record, break_glass_until=expires.timestamp(),
                          break_glass_grant_id=grant.id), now)
    emit("break_glass.started", alert=True, grant_id=grant.id, staff_id=actor.principal.id,
         organization_id=actor.principal.organization_id, role=actor.principal.role,
         minutes=settings.break_glass_minutes)
    return BreakGlassOut(grant_id=grant.id, expires_at=expires)


@router.delete("", status_code=204, responses=ERRORS)
def end_break_glass(actor: ActorDep, record: CurrentSession, session: SessionDep,
                    sessions: SessionsDep) -> Response:
    """End this session's elevation early; 404 `no_break_glass` when none is active."""
    actor.require("break_glass.end")
    if not actor.principal.break_glass_active(actor.now) or record.break_glass_grant_id is None:
        raise ApiError(404, "no_break_glass", "This session has no active break-glass grant.")
    grant = session.scalar(select(BreakGlassGrant).where(
        BreakGlassGrant.id == record.break_glass_grant_id))
    if grant is not None:
        grant.ended_at = actor.now
        session.commit()
    sessions.save(replace(record, break_glass_until=None, break_glass_grant_id=None), actor.now)
    emit("break_glass.ended", grant_id=record.break_glass_grant_id, staff_id=actor.principal.id)
    return Response(status_code=204)

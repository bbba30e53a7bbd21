"""Admin: staff accounts, roles and sessions of the admin's own organization.

A role change needs a fresh password or TOTP check, and ends the member's sessions so the new
role applies from their next sign-in.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scheduling.account_models import StaffMember
from scheduling.auth.deps import Actor, ActorDep, SessionsDep
from scheduling.auth.passwords import hash_password
from scheduling.auth.schemas import SessionInfo
from scheduling.deps import SessionDep, SettingsDep
from scheduling.errors import ApiError
from scheduling.events import emit
from scheduling.models import Site
from scheduling.policy import Resource
from scheduling.routers.sessions import session_info
from scheduling.schemas import ErrorOut
from scheduling.staff_schemas import RoleChange, StaffCreate, StaffList, StaffOut

router = APIRouter(prefix="/v1/admin", tags=["admin"])
ERRORS = {code: {"model": ErrorOut} for code in (401, 403, 404, 409, 422)}
StaffId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Staff member id")]
SessionId = Annotated[str, Path(min_length=64, max_length=64, pattern=r"^[0-9a-f]{64}$",
                                description="session_id from a session listing")]
STAFF_NOT_FOUND = "No staff member has this id. List them with GET /v1/admin/staff."


def staff_out(staff: StaffMember) -> StaffOut:
    """Describe a staff account without secrets."""
    return StaffOut(id=staff.id, email=staff.email, display_name=staff.display_name,
                    role=staff.role, site_ids=[site.id for site in staff.sites],  # type: ignore
                    mfa_enrolled=staff.totp_enabled, is_active=staff.is_active,
                    created_at=staff.created_at)


def _load_staff(session: Session, actor: Actor, staff_id: int, action: str) -> StaffMember:
    actor.require(action)
    staff = session.get(StaffMember, staff_id)
    if staff is None:
        raise ApiError(404, "staff_not_found", STAFF_NOT_FOUND)
    actor.require(action, Resource(staff.organization_id), "staff_not_found", STAFF_NOT_FOUND)
    return staff


def _sites(session: Session, actor: Actor, site_ids: list[int]) -> list[Site]:
    org_id = actor.principal.organization_id
    sites = list(session.scalars(select(Site).where(Site.id.in_(site_ids),
                                                    Site.organization_id == org_id)))
    unknown = sorted(set(site_ids) - {site.id for site in sites})
    if unknown:
        raise ApiError(422, "site_not_found", f"No site has id {unknown[0]}. Use ids from "
                       "GET /v1/directory.", "site_ids")
    return sorted(sites, key=lambda site: site.id)


@router.get("/staff", response_model=StaffList, responses=ERRORS)
def list_staff(actor: ActorDep, session: SessionDep) -> StaffList:
    """List the staff of the caller's organization."""
    actor.require("staff.read")
    rows = session.scalars(select(StaffMember).where(
        StaffMember.organization_id == actor.principal.organization_id).order_by(StaffMember.id))
    return StaffList(staff=[staff_out(row) for row in rows])


@router.post("/staff", status_code=201, response_model=StaffOut, responses=ERRORS)
def create_staff(body: StaffCreate, actor: ActorDep, session: SessionDep,
                 settings: SettingsDep) -> StaffOut:
    """Create a staff account in the caller's organization; 409 `email_taken` for a used email."""
    actor.require("staff.create")
    taken = session.scalar(select(StaffMember.id).where(
        func.lower(StaffMember.email) == body.email.strip().lower()))
    if taken is not None:
        raise ApiError(409, "email_taken", "A staff account already uses this email. Use "
                       "another email.", "email")
    staff = StaffMember(organization_id=actor.principal.organization_id,
                        email=body.email.strip().lower(), display_name=body.display_name.strip(),
                        role=body.role, password_hash=hash_password(body.password, settings),
                        sites=_sites(session, actor, body.site_ids), created_at=actor.now)
    session.add(staff)
    session.commit()
    emit("staff.created", staff_id=staff.id, role=staff.role, by_staff_id=actor.principal.id)
    return staff_out(staff)


@router.put("/staff/{staff_id}/role", response_model=StaffOut, responses=ERRORS)
def change_role(staff_id: StaffId, body: RoleChange, actor: ActorDep, session: SessionDep,
                sessions: SessionsDep) -> StaffOut:
    """Set a member's role and sites and end their sessions; needs re-authentication.

    Raises 409 `own_role` when an admin changes their own role, so an organization cannot
    lose its last admin by accident.
    """
    staff = _load_staff(session, actor, staff_id, "staff.role_change")
    if staff.id == actor.principal.id:
        raise ApiError(409, "own_role", "Admins cannot change their own role. Ask another "
                       "admin.")
    previous = staff.role
    staff.role = body.role
    staff.sites = _sites(session, actor, body.site_ids)
    session.commit()
    ended = sessions.delete_all("staff", staff.id, actor.now)
    emit("staff.role_changed", alert=True, staff_id=staff.id, old_role=previous,
         new_role=staff.role, by_staff_id=actor.principal.id, ended_sessions=ended)
    return staff_out(staff)


@router.get("/staff/{staff_id}/sessions", response_model=list[SessionInfo], responses=ERRORS)
def list_staff_sessions(staff_id: StaffId, actor: ActorDep, session: SessionDep,
                        sessions: SessionsDep) -> list[SessionInfo]:
    """List a member's live sessions; `session_id` is what DELETE /v1/admin/sessions takes."""
    staff = _load_staff(session, actor, staff_id, "session.read")
    site_ids = [site.id for site in staff.sites]
    return [session_info(record, site_ids)
            for record in sessions.list_for("staff", staff.id, actor.now)]


@router.delete("/sessions/{session_id}", status_code=204, responses=ERRORS)
def terminate_session(session_id: SessionId, actor: ActorDep, sessions: SessionsDep) -> Response:
    """End one session of any account in the caller's organization."""
    actor.require("session.terminate")
    record = sessions.get(session_id, actor.now)
    missing = "No live session has this id. List them with GET /v1/admin/staff/{id}/sessions."
    if record is None:
        raise ApiError(404, "session_not_found", missing)
    actor.require("session.terminate", Resource(record.organization_id), "session_not_found",
                  missing)
    sessions.delete(record)
    emit("session.terminated", session_id=record.ref, kind=record.kind,
         account_id=record.account_id, by_staff_id=actor.principal.id)
    return Response(status_code=204)

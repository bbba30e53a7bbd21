"""The access policy: one function, `authorize`, decides every staff action.

Deny by default: no role may take an action missing from ROLE_ACTIONS. The checks run in a
fixed order and the first failing one decides:

1. the principal is staff (403 `staff_only`);
2. the session has passed its second factor (403 `mfa_required`);
3. the role may take the action (403 `forbidden`), or, for actions in BREAK_GLASS_ACTIONS, the
   session has live break-glass elevation;
4. front_desk and billing act only inside STAFF_ACCESS_HOURS when it is set
   (403 `outside_access_hours`);
5. sensitive actions need a password or TOTP check within REAUTH_MINUTES
   (403 `reauthentication_required`);
6. the resource belongs to the principal's organization and, for site-scoped roles, to one of
   their sites (404 `not_found`, the same answer as for an id that does not exist). Live
   break-glass lifts the site limit inside the organization, never the organization limit.

Routes call `require`, which raises the decision as an ApiError. The permission matrix in
docs/permissions.md is checked against this module by tests/auth/test_permission_matrix.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from scheduling.config import parse_access_hours
from scheduling.errors import ApiError

STAFF = "staff"
PATIENT = "patient"
TENANT_WIDE_ROLES = frozenset({"admin", "compliance"})
HOURS_LIMITED_ROLES = frozenset({"front_desk", "billing"})
BREAK_GLASS_ROLES = frozenset({"front_desk", "clinician", "billing", "admin"})

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "patient.search": frozenset({"front_desk", "clinician", "billing", "admin", "compliance"}),
    "patient.read": frozenset({"front_desk", "clinician", "billing", "admin", "compliance"}),
    "patient.read_unmasked": frozenset({"clinician", "admin"}),
    "appointment.read": frozenset({"front_desk", "clinician", "billing", "admin"}),
    "appointment.change": frozenset({"front_desk", "clinician", "admin"}),
    "slot.search": frozenset({"front_desk", "clinician", "admin"}),
    "escalation.read": frozenset({"front_desk", "clinician", "admin"}),
    "escalation.update": frozenset({"front_desk", "clinician", "admin"}),
    "break_glass.start": BREAK_GLASS_ROLES,
    "break_glass.end": BREAK_GLASS_ROLES,
    "staff.read": frozenset({"admin", "compliance"}),
    "staff.create": frozenset({"admin"}),
    "staff.role_change": frozenset({"admin"}),
    "session.read": frozenset({"admin", "compliance"}),
    "session.terminate": frozenset({"admin"}),
    "export.bulk": frozenset({"admin", "compliance"}),
}
"""Roles allowed each action; every other role is denied."""

BREAK_GLASS_ACTIONS = frozenset({"patient.read_unmasked"})
"""Actions that live break-glass also allows to every role in BREAK_GLASS_ROLES."""

REAUTH_ACTIONS = frozenset({"staff.role_change", "export.bulk", "break_glass.start"})
"""Actions that need a password or TOTP check within REAUTH_MINUTES."""


@dataclass(frozen=True)
class Principal:
    """Acting account, built from a live session and the account's current row per request."""

    kind: str
    id: int
    organization_id: int
    role: str
    site_ids: frozenset[int]
    mfa_verified: bool
    authenticated_at: dt.datetime
    session_ref: str = ""
    break_glass_until: dt.datetime | None = None

    def break_glass_active(self, now: dt.datetime) -> bool:
        """True while break-glass elevation of this session lasts."""
        return self.break_glass_until is not None and now < self.break_glass_until


@dataclass(frozen=True)
class Resource:
    """Target record: its organization and the sites it belongs to (empty for none)."""

    organization_id: int
    site_ids: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Decision:
    """Outcome of `authorize`; a denial carries the HTTP status, error code and message."""

    allowed: bool
    status: int = 200
    code: str = "ok"
    message: str = ""
    via_break_glass: bool = False


@dataclass(frozen=True)
class PolicyContext:
    """Attributes of the request: the time and the settings that limit access."""

    now: dt.datetime
    reauth_minutes: int = 5
    access_hours: str | None = None


def _deny(status: int, code: str, message: str) -> Decision:
    return Decision(False, status, code, message)


def authorize(principal: Principal, action: str, resource: Resource | None,
              context: PolicyContext) -> Decision:
    """Decide whether `principal` may take `action` on `resource` (None for collections)."""
    if principal.kind != STAFF:
        return _deny(403, "staff_only", "This endpoint is for clinic staff. Sign in with "
                     "POST /v1/auth/staff/sign-in.")
    if not principal.mfa_verified:
        return _deny(403, "mfa_required", "Finish two-factor sign-in first: enrol with "
                     "POST /v1/auth/mfa/totp/enrolment or verify with POST /v1/auth/mfa/verify.")

    elevated = principal.break_glass_active(context.now)
    allowed_roles = ROLE_ACTIONS.get(action, frozenset())
    by_break_glass = (action in BREAK_GLASS_ACTIONS and elevated
                      and principal.role in BREAK_GLASS_ROLES)
    if principal.role not in allowed_roles and not by_break_glass:
        return _deny(403, "forbidden", f"The {principal.role} role may not perform {action}.")

    if principal.role in HOURS_LIMITED_ROLES and context.access_hours:
        start, end = parse_access_hours(context.access_hours)
        if not start <= context.now.astimezone(dt.timezone.utc).time() < end:
            return _deny(403, "outside_access_hours", f"The {principal.role} role has access "
                         f"only from {context.access_hours} UTC. Try again then.")

    if action in REAUTH_ACTIONS:
        age = context.now - principal.authenticated_at
        if age > dt.timedelta(minutes=context.reauth_minutes):
            return _deny(403, "reauthentication_required", f"{action} needs a fresh password "
                         "or TOTP check. Call POST /v1/auth/reauthenticate, then retry.")

    if resource is None:
        return Decision(True, via_break_glass=by_break_glass)
    if resource.organization_id != principal.organization_id:
        return _deny(404, "not_found", "No such record.")
    if principal.role in TENANT_WIDE_ROLES or resource.site_ids & principal.site_ids:
        return Decision(True, via_break_glass=by_break_glass)
    if elevated and principal.role in BREAK_GLASS_ROLES:
        return Decision(True, via_break_glass=True)
    return _deny(404, "not_found", "No such record.")


def require(principal: Principal, action: str, resource: Resource | None,
            context: PolicyContext, not_found_code: str = "not_found",
            not_found_message: str = "No such record.") -> Decision:
    """Return the allowing decision, or raise it as ApiError.

    A 404 uses `not_found_code` and `not_found_message`, so a record outside the principal's
    scope is reported exactly like a missing one.
    """
    decision = authorize(principal, action, resource, context)
    if decision.allowed:
        return decision
    if decision.status == 404:
        raise ApiError(404, not_found_code, not_found_message)
    raise ApiError(decision.status, decision.code, decision.message)

"""The compliance console's page and JSON API over the audit log.

Every `/api/compliance/...` endpoint needs `Authorization: Bearer <staff session token>`. Each
request sends that token to the scheduling API's `GET /v1/auth/session`, and only a staff session
that passed MFA and whose current role is `compliance` gets through, so no role sent by the client
is trusted. Errors have the scheduling API's shape `{"error": {"code", "message", "field"}}`:
401 `invalid_session`, 403 `mfa_required` or `forbidden`, 422 `invalid_request` naming the field,
503 `audit_unavailable` or `scheduling_unavailable`.

Tenant scope: an officer sees a record when its `tenant_id` is the officer's organization. Chat
turn records carry no tenant, so such a record is visible when its patient belongs to the
officer's organization (the scheduling API answers `GET /v1/staff/patients/{id}` with 200), and
an alert is visible when the record that raised it is. Records with neither tenant nor patient
(system jobs) stay hidden. Every read appends an access record before the data is returned, so a
failed audit write returns 500 and no data.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Literal

import httpx
from cryptography.exceptions import InvalidTag
from fastapi import APIRouter, Depends, FastAPI, Path as PathParam, Query, Request
from fastapi.responses import FileResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from assistant.audit.access import AccessAuditor
from assistant.audit.events import Actor, EventType, Outcome, Source, Subject, new_correlation_id
from assistant.audit.export import export_records
from assistant.audit.log import AuditLog
from assistant.audit.query import AuditFilter, AuditQuery
from assistant.audit.records import AuditRecord
from assistant.audit.signing import TrustedKeys
from assistant.audit.verify import verify_log
from scheduling.errors import ApiError, install_error_handlers

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
COMPLIANCE_ROLE = "compliance"
DEFAULT_REAUTH_MINUTES = 5
"""Matches the scheduling API's default REAUTH_MINUTES; pass `reauth_minutes` when it differs."""
SCHEDULING_TIMEOUT_SECONDS = 10.0
SCAN_LIMIT = 5000
"""Maximum records one search request reads; past it the response carries a cursor to go on."""
TIMELINE_COLUMNS = {"model_prompt": "prompts", "model_output": "outputs", "tool_call": "tool_calls",
                    "guardrail_decision": "guardrails", "reply_delivered": "replies"}
EXPORT_MEDIA_TYPES = {"csv": "text/csv", "json": "application/json", "fhir": "application/fhir+json"}
ASSETS = {"compliance.js": "text/javascript", "compliance.css": "text/css"}
PAGE_HEADERS = {"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                                           "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
                "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
bearer = HTTPBearer(auto_error=False)

Outcomes = Enum("Outcomes", {outcome.value: outcome.value for outcome in Outcome}, type=str)


class Filters(BaseModel):
    """Search criteria shared by search and export; unknown fields are rejected with 422."""

    model_config = ConfigDict(extra="forbid")

    patient_id: str | None = Field(None, pattern=r"^[1-9][0-9]{0,17}$", description="Scheduling patient id")
    actor_id: str | None = Field(None, min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_.:@-]+$",
                                 description="Actor id as recorded, such as staff-4 or patient-17")
    conversation_id: str | None = Field(None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    event_type: EventType | None = None
    outcome: Outcomes | None = None
    since: dt.datetime | None = Field(None, description="Inclusive start, ISO 8601; without an offset it is UTC")
    until: dt.datetime | None = Field(None, description="Exclusive end, ISO 8601; without an offset it is UTC")

    def criteria(self, after_seq: int = 0) -> AuditFilter:
        """Return the query layer's filter; raise 422 `invalid_time_range` when until <= since."""
        since, until = _utc(self.since), _utc(self.until)
        if since and until and until <= since:
            raise ApiError(422, "invalid_time_range", "until must be later than since.", "until")
        return AuditFilter(patient_id=self.patient_id, actor_id=self.actor_id, conversation_id=self.conversation_id,
                           event_types=(self.event_type.value,) if self.event_type else (),
                           outcome=self.outcome.value if self.outcome else None,
                           since=since, until=until, after_seq=after_seq)


class SearchParams(Filters):
    after_seq: int = Field(0, ge=0, description="Return records after this seq (the previous next_after_seq)")
    limit: int = Field(50, ge=1, le=200, description="Records per page, 1 to 200")


class ExportIn(Filters):
    format: Literal["csv", "json", "fhir"]


@dataclass(frozen=True)
class Officer:
    """A compliance officer's live session, as the scheduling API reported it."""

    account_id: int
    organization_id: int
    authenticated_at: dt.datetime
    last_seen_at: dt.datetime

    @property
    def actor(self) -> Actor:
        return Actor(id=f"staff-{self.account_id}", role=COMPLIANCE_ROLE, tenant=str(self.organization_id))


@dataclass
class Caller:
    """One request's officer, audit helpers and tenant-scoped query."""

    officer: Officer
    source: Source
    auditor: AccessAuditor
    query: ScopedQuery


class SchedulingGate:
    """Checks tokens and patient ownership against the scheduling API over HTTP."""

    def __init__(self, http: httpx.Client, token: str) -> None:
        self.http = http
        self.token = token

    def officer(self) -> Officer:
        """Return the caller's officer, or raise 401, 403 or 503 as the module docstring lists."""
        if not self.token:
            raise ApiError(401, "invalid_session", "Sign in as a compliance officer and send "
                                                   "'Authorization: Bearer <session_token>'.")
        reply = self._get("/v1/auth/session")
        if reply.status_code == 401:
            raise ApiError(401, "invalid_session", "The session is missing, expired or ended. Sign in again.")
        if reply.status_code != 200:
            raise _unavailable(reply.status_code)
        info = reply.json()
        if info.get("kind") != "staff" or info.get("role") != COMPLIANCE_ROLE:
            raise ApiError(403, "forbidden", "The compliance console is only for staff with the compliance role.")
        if not info.get("mfa_verified"):
            raise ApiError(403, "mfa_required", "Finish two-factor sign-in before using the compliance console.")
        return Officer(int(info["account_id"]), int(info["organization_id"]),
                       dt.datetime.fromisoformat(info["authenticated_at"]),
                       dt.datetime.fromisoformat(info["last_seen_at"]))

    def owns_patient(self, patient_id: str) -> bool:
        """Return True when the scheduling API shows the patient to this officer (same organization)."""
        if not patient_id.isdigit():
            return False
        reply = self._get(f"/v1/staff/patients/{patient_id}")
        if reply.status_code in (403, 404):
            return False
        if reply.status_code != 200:
            raise _unavailable(reply.status_code)
        return True

    def _get(self, path: str) -> httpx.Response:
        try:
            return self.http.get(path, headers={"Authorization": f"Bearer {self.token}"})
        except httpx.HTTPError as exc:
            logger.warning("Scheduling API request %s failed: %s", path, type(exc).__name__)
            raise ApiError(503, "scheduling_unavailable", "The scheduling API did not respond. Try again shortly.") from exc


@dataclass
class TenantScope:
    """Decides which records an officer may see; caches patient and alert lookups per request."""

    officer: Officer
    gate: SchedulingGate
    query: AuditQuery
    patients: dict[str, bool] = field(default_factory=dict)

    def visible(self, record: AuditRecord) -> bool:
        if record.tenant_id is not None:
            return record.tenant_id == str(self.officer.organization_id)
        if record.patient_id is not None:
            return self.owns_patient(record.patient_id)
        if record.event_type == EventType.ALERT.value:
            trigger = record.details_dict.get("trigger_seq")
            if isinstance(trigger, int) and 0 < trigger < record.seq:
                found = self.query.search(AuditFilter(after_seq=trigger - 1), limit=1)
                return bool(found) and found[0].seq == trigger and self.visible(found[0])
        return False

    def owns_patient(self, patient_id: str) -> bool:
        if patient_id not in self.patients:
            self.patients[patient_id] = self.gate.owns_patient(patient_id)
        return self.patients[patient_id]


class ScopedQuery(AuditQuery):
    """AuditQuery whose `iter_search` (and so `timeline` and exports) yields only visible records."""

    def __init__(self, log: AuditLog) -> None:
        super().__init__(log)
        self.scope: TenantScope | None = None

    def iter_search(self, criteria: AuditFilter, batch: int = 1000) -> Iterator[AuditRecord]:
        assert self.scope is not None, "set scope before searching"
        for record in super().iter_search(criteria, batch):
            if self.scope.visible(record):
                yield record

    def page(self, criteria: AuditFilter, limit: int) -> tuple[list[AuditRecord], int | None]:
        """Return up to `limit` visible records and the seq to continue after, or None at the end."""
        found: list[AuditRecord] = []
        scanned = 0
        for record in AuditQuery.iter_search(self, criteria, min(limit * 2, 1000)):
            scanned += 1
            if self.scope.visible(record):
                found.append(record)
                if len(found) > limit:
                    return found[:limit], found[limit - 1].seq
            if scanned >= SCAN_LIMIT:
                return found, record.seq
        return found, None


def install_compliance(app: FastAPI, audit_log: AuditLog | None, scheduling_url_getter: Callable[[], str], *,
                       reauth_minutes: int = DEFAULT_REAUTH_MINUTES, trusted: TrustedKeys | None = None) -> None:
    """Add the compliance page (`/compliance`) and API (`/api/compliance/...`) to `app`.

    `scheduling_url_getter` returns the scheduling API's base URL, such as
    `http://127.0.0.1:8000/scheduling`, and is read on every request. Without `audit_log` every API
    endpoint returns 503 `audit_unavailable`. `trusted` defaults to the log's own signing key.
    """
    if ApiError not in app.exception_handlers:
        install_error_handlers(app)
    app.include_router(compliance_router(audit_log, scheduling_url_getter, reauth_minutes, trusted))


def compliance_router(audit_log: AuditLog | None, scheduling_url_getter: Callable[[], str],
                      reauth_minutes: int = DEFAULT_REAUTH_MINUTES, trusted: TrustedKeys | None = None) -> APIRouter:
    """Build the console's routes; see `install_compliance`."""
    router = APIRouter()
    reauth_window = dt.timedelta(minutes=reauth_minutes)

    def caller(request: Request,
               credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Iterator[Caller]:
        if audit_log is None:
            raise ApiError(503, "audit_unavailable", "This server runs without an audit log, so the console is off.")
        with httpx.Client(base_url=scheduling_url_getter(), timeout=SCHEDULING_TIMEOUT_SECONDS) as http:
            gate = SchedulingGate(http, credentials.credentials if credentials else "")
            officer = gate.officer()
            source = Source(ip=request.client.host if request.client else None, channel="console",
                            user_agent=(request.headers.get("user-agent") or "")[:512] or None)
            query = ScopedQuery(audit_log)
            query.scope = TenantScope(officer, gate, AuditQuery(audit_log))
            auditor = AccessAuditor(audit_log, officer.actor, source, new_correlation_id())
            yield Caller(officer, source, auditor, query)

    who_param = Depends(caller)
    tags = ["compliance"]

    @router.get("/compliance", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC_DIR / "compliance.html", headers=PAGE_HEADERS)

    @router.get("/compliance/{name}", include_in_schema=False)
    def asset(name: str) -> FileResponse:
        if name not in ASSETS:
            raise ApiError(404, "not_found", f"No console file named {name[:40]!r}.")
        return FileResponse(STATIC_DIR / name, media_type=ASSETS[name], headers=PAGE_HEADERS)

    @router.get("/api/compliance/session", tags=tags)
    def session(*, who: Caller = who_param) -> dict:
        """Return the officer's ids and until when the last password or TOTP check allows exports."""
        officer = who.officer
        return {"account_id": officer.account_id, "organization_id": officer.organization_id,
                "role": COMPLIANCE_ROLE, "reauth_valid_until": (officer.authenticated_at + reauth_window).isoformat()}

    @router.get("/api/compliance/records", tags=tags)
    def search(*, who: Caller = who_param, params: Annotated[SearchParams, Query()]) -> dict:
        """Search the audit log in seq order; page with `after_seq` = the previous `next_after_seq`.

        A patient filter for a patient outside the officer's organization returns 404 `patient_not_found`.
        """
        if params.patient_id and not who.query.scope.owns_patient(params.patient_id):
            raise ApiError(404, "patient_not_found", "No patient with that id in your organization.", "patient_id")
        criteria = params.criteria(params.after_seq)
        found, next_after = who.query.page(criteria, params.limit)
        _audit_search(who.auditor, criteria, len(found))
        return {"records": [_record_json(record) for record in found], "next_after_seq": next_after}

    @router.get("/api/compliance/alerts", tags=tags)
    def alerts(*, who: Caller = who_param, since: Annotated[dt.datetime | None, Query()] = None,
               after_seq: Annotated[int, Query(ge=0)] = 0,
               limit: Annotated[int, Query(ge=1, le=200)] = 50) -> dict:
        """Alert records (event type `alert`) in seq order, paged like the search."""
        criteria = AuditFilter(event_types=(EventType.ALERT.value,), since=_utc(since), after_seq=after_seq)
        found, next_after = who.query.page(criteria, limit)
        who.auditor.record(EventType.SECURITY_EVENT, view="audit_alerts", record_count=len(found))
        return {"records": [_record_json(record) for record in found], "next_after_seq": next_after}

    @router.get("/api/compliance/conversations/{conversation_id}", tags=tags)
    def timeline(*, who: Caller = who_param,
                 conversation_id: Annotated[str, PathParam(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")],
                 decrypt: Annotated[bool, Query(description="Include decrypted payloads; recorded as a PHI view")] = False,
                 ) -> dict:
        """Return the conversation's records grouped by turn, 404 `conversation_not_found` when none is visible."""
        found = list(who.query.iter_search(AuditFilter(conversation_id=conversation_id)))
        if not found:
            raise ApiError(404, "conversation_not_found", "No conversation with that id in your organization.",
                           "conversation_id")
        patients = {record.patient_id for record in found if record.patient_id}
        patient_id = next(iter(patients)) if len(patients) == 1 else None
        if not decrypt:
            who.auditor.conversation_viewed(conversation_id, patient_id)
            turns = who.query.timeline(conversation_id)
        else:
            try:
                # The query layer appends the conversation_viewed record of a decrypted view itself.
                turns = who.query.timeline(conversation_id, decrypt=True, viewer=who.officer.actor, source=who.source)
            except InvalidTag as exc:
                logger.error("An audit payload of a conversation failed decryption: InvalidTag")
                raise ApiError(409, "payload_tampered", "An encrypted payload of this conversation failed its "
                                                        "integrity check. Run Verify now and report it.") from exc
        return {"conversation_id": conversation_id, "patient_id": patient_id, "decrypted": decrypt,
                "turns": [_turn_json(turn) for turn in turns]}

    @router.get("/api/compliance/integrity", tags=tags)
    def integrity(*, who: Caller = who_param) -> dict:
        """Return the newest verification result: status `intact`, `tampered` or `unverified`."""
        last = who.query.integrity_status()
        who.auditor.record(EventType.SECURITY_EVENT, view="audit_integrity")
        return _integrity_json(last)

    @router.post("/api/compliance/integrity/verify", tags=tags)
    def verify_now(*, who: Caller = who_param) -> dict:
        """Verify the whole chain and its checkpoints now, store the result and record who ran it."""
        keys = trusted or TrustedKeys([audit_log.signer.public_key])
        # NOTE: one process scans the whole log, so a log of millions of records blocks this
        # request for a while; `python -m assistant audit verify` scans in parallel.
        report = verify_log(audit_log.engine, keys, workers=1)
        problem = report.problem
        who.auditor.record(EventType.SECURITY_EVENT, Outcome.SUCCESS if report.ok else Outcome.FAILURE,
                           action="audit_verified", ok=report.ok, last_seq=report.last_seq,
                           problem_kind=problem.kind if problem else None, problem_seq=problem.seq if problem else None)
        return _integrity_json(who.query.integrity_status())

    @router.post("/api/compliance/exports", tags=tags)
    def export(*, who: Caller = who_param, body: ExportIn) -> Response:
        """Export matching records as CSV, a JSON list or a FHIR Bundle of AuditEvents.

        Needs a password or TOTP check within `reauth_minutes` (POST /scheduling/v1/auth/reauthenticate),
        else 403 `reauthentication_required`. The refused attempt and the export are both recorded.
        """
        officer = who.officer
        # Both times come from the scheduling API's clock, so clock skew between servers cannot matter.
        if officer.last_seen_at - officer.authenticated_at > reauth_window:
            who.auditor.record(EventType.EXPORT, Outcome.FAILURE, kind="audit_log", format=body.format,
                               reason_code="reauthentication_required")
            raise ApiError(403, "reauthentication_required",
                           f"Exports need a password or TOTP check within the last {reauth_minutes} minutes. "
                           "Call POST /scheduling/v1/auth/reauthenticate, then retry.")
        criteria = body.criteria()
        if body.patient_id and not who.query.scope.owns_patient(body.patient_id):
            raise ApiError(404, "patient_not_found", "No patient with that id in your organization.", "patient_id")
        if body.conversation_id and not who.query.page(AuditFilter(conversation_id=body.conversation_id), 1)[0]:
            raise ApiError(404, "conversation_not_found", "No conversation with that id in your organization.",
                           "conversation_id")
        text = export_records(who.query, criteria, body.format, actor=officer.actor, source=who.source)
        if body.format == "json":
            text = json.dumps([json.loads(line) for line in text.splitlines()], sort_keys=True)
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        extension = {"csv": "csv", "json": "json", "fhir": "fhir.json"}[body.format]
        headers = {"Content-Disposition": f'attachment; filename="audit-export-{stamp}.{extension}"',
                   "Cache-Control": "no-store"}
        return Response(text, media_type=EXPORT_MEDIA_TYPES[body.format], headers=headers)

    return router


def _audit_search(auditor: AccessAuditor, criteria: AuditFilter, count: int) -> None:
    """Record a search as a patient view, a conversation view or a plain audit-log search."""
    details = {"view": "audit_search", "criteria": criteria.to_details(), "record_count": count}
    # A record naming a conversation would make it visible to this tenant, so name it only once found.
    if count == 0:
        auditor.record(EventType.SECURITY_EVENT, **details)
    elif criteria.patient_id:
        subject = Subject(patient_id=criteria.patient_id, conversation_id=criteria.conversation_id)
        auditor.record(EventType.PATIENT_VIEWED, subject=subject, **details)
    elif criteria.conversation_id:
        auditor.record(EventType.CONVERSATION_VIEWED, subject=Subject(conversation_id=criteria.conversation_id),
                       **details)
    else:
        auditor.record(EventType.SECURITY_EVENT, **details)


def _record_json(record: AuditRecord) -> dict[str, Any]:
    data = record.to_dict()
    data.pop("payload")
    data["has_payload"] = record.has_payload
    return data


def _turn_json(turn) -> dict[str, Any]:
    columns: dict[str, list] = {name: [] for name in (*TIMELINE_COLUMNS.values(), "other")}
    for entry in turn.entries:
        columns[TIMELINE_COLUMNS.get(entry.event_type, "other")].append({
            "seq": entry.seq, "recorded_at": entry.recorded_at, "event_type": entry.event_type,
            "outcome": entry.outcome, "actor_id": entry.actor_id, "details": entry.details, "payload": entry.payload,
        })
    return {"correlation_id": turn.correlation_id, "started_at": turn.entries[0].recorded_at, **columns}


def _integrity_json(last: dict[str, Any] | None) -> dict[str, Any]:
    if last is None:
        return {"status": "unverified", "last_verification": None}
    return {"status": "intact" if last["ok"] else "tampered", "last_verification": {**last, "ok": bool(last["ok"])}}


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=dt.timezone.utc)


def _unavailable(status: int) -> ApiError:
    logger.warning("Scheduling API returned %d to a compliance check", status)
    return ApiError(503, "scheduling_unavailable", "The scheduling API could not check the session. Try again shortly.")

"""Alert rules evaluated on every committed batch; each alert is itself an `alert` record.

Rules: break-glass use, a bulk export, staff access outside business hours, repeated failed
sign-ins from one account or one IP address, and repeated guardrail blocks in one conversation.
Counting rules query the audit table, so they see appends from every process; each fires once,
when its count reaches the threshold within the window.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, select

from assistant.audit.canonical import format_time, parse_time
from assistant.audit.events import SYSTEM_ACTOR, AuditEvent, EventType, Source, Subject
from assistant.audit.records import AuditRecord
from assistant.audit.schema import records
from assistant.audit.settings import AuditSettings, parse_days, parse_hours

logger = logging.getLogger(__name__)

STAFF_ACCESS_TYPES = frozenset({
    EventType.SIGN_IN.value, EventType.PATIENT_VIEWED.value, EventType.CONVERSATION_VIEWED.value,
    EventType.EXPORT.value, EventType.BREAK_GLASS.value, EventType.PERMISSION_CHANGED.value,
    EventType.ROLE_CHANGED.value, EventType.CONFIG_CHANGED.value,
})
NON_STAFF_ROLES = frozenset({"patient", "system"})
ANONYMOUS_ACTORS = frozenset({"anonymous", "unknown"})  # failed sign-ins of unknown accounts count by IP only


class AlertRules:
    """The configured thresholds and business hours."""

    def __init__(
        self,
        *,
        business_hours: tuple[dt.time, dt.time] = (dt.time(7), dt.time(19)),
        business_days: frozenset[int] = frozenset(range(6)),
        time_zone: str = "UTC",
        failed_sign_ins: int = 5,
        guardrail_blocks: int = 3,
        window: dt.timedelta = dt.timedelta(minutes=15),
        export_records: int = 500,
    ) -> None:
        self.business_hours = business_hours
        self.business_days = business_days
        self.zone = ZoneInfo(time_zone)
        self.failed_sign_ins = failed_sign_ins
        self.guardrail_blocks = guardrail_blocks
        self.window = window
        self.export_records = export_records

    @classmethod
    def from_settings(cls, settings: AuditSettings) -> AlertRules:
        return cls(
            business_hours=parse_hours(settings.business_hours),
            business_days=parse_days(settings.business_days),
            time_zone=settings.time_zone,
            failed_sign_ins=settings.alert_failed_sign_ins,
            guardrail_blocks=settings.alert_guardrail_blocks,
            window=dt.timedelta(minutes=settings.alert_window_minutes),
            export_records=settings.alert_export_records,
        )

    def evaluate(self, log, committed: Sequence[AuditRecord]) -> list[AuditEvent]:
        """Return the alert events that `committed` records trigger."""
        alerts = []
        for record in committed:
            for rule, extra in self._rules_hit(log.engine, record):
                logger.warning("Audit alert %s raised by record %d", rule, record.seq)
                alerts.append(_alert(record, rule, extra))
        return alerts

    def _rules_hit(self, engine: Engine, record: AuditRecord) -> list[tuple[str, dict]]:
        hits = []
        if record.event_type == EventType.BREAK_GLASS.value and record.details_dict.get("phase") != "ended":
            hits.append(("break_glass", {}))
        if record.event_type == EventType.EXPORT.value:
            count = int(record.details_dict.get("record_count", 0))
            if count >= self.export_records:
                hits.append(("bulk_export", {"record_count": count, "threshold": self.export_records}))
        if record.event_type in STAFF_ACCESS_TYPES and record.actor_role not in NON_STAFF_ROLES \
                and record.outcome == "success" and self.outside_business_hours(parse_time(record.recorded_at)):
            hits.append(("after_hours_access", {"time_zone": self.zone.key}))
        if record.event_type == EventType.SIGN_IN.value and record.outcome == "failure":
            hits.extend(self._failed_sign_ins(engine, record))
        if record.event_type == EventType.GUARDRAIL_DECISION.value and record.outcome == "blocked" \
                and record.conversation_id:
            count = self._count(engine, record, records.c.event_type == EventType.GUARDRAIL_DECISION.value,
                                records.c.outcome == "blocked", records.c.conversation_id == record.conversation_id)
            if count == self.guardrail_blocks:
                hits.append(("repeated_guardrail_blocks", {"count": count}))
        return hits

    def outside_business_hours(self, moment: dt.datetime) -> bool:
        """Return True when `moment` falls outside the configured days and hours, in local time."""
        local = moment.astimezone(self.zone)
        start, end = self.business_hours
        return local.weekday() not in self.business_days or not start <= local.time() < end

    def _failed_sign_ins(self, engine: Engine, record: AuditRecord) -> list[tuple[str, dict]]:
        hits = []
        failed = (records.c.event_type == EventType.SIGN_IN.value, records.c.outcome == "failure")
        if record.actor_id and record.actor_id not in ANONYMOUS_ACTORS:
            count = self._count(engine, record, *failed, records.c.actor_id == record.actor_id)
            if count == self.failed_sign_ins:
                hits.append(("repeated_failed_sign_in", {"count": count, "by": "account"}))
        if record.source_ip:
            count = self._count(engine, record, *failed, records.c.source_ip == record.source_ip)
            if count == self.failed_sign_ins:
                hits.append(("repeated_failed_sign_in", {"count": count, "by": "source_ip"}))
        return hits

    def _count(self, engine: Engine, record: AuditRecord, *conditions) -> int:
        since = format_time(parse_time(record.recorded_at) - self.window)
        query = select(func.count()).select_from(records).where(
            *conditions, records.c.recorded_at >= since, records.c.seq <= record.seq,
        )
        with engine.connect() as connection:
            return int(connection.execute(query).scalar() or 0)


def _alert(record: AuditRecord, rule: str, extra: dict) -> AuditEvent:
    return AuditEvent(
        type=EventType.ALERT,
        actor=SYSTEM_ACTOR,
        subject=Subject(patient_id=record.patient_id, appointment_id=record.appointment_id,
                        conversation_id=record.conversation_id),
        source=Source(channel="system"),
        correlation_id=record.correlation_id,
        details={"rule": rule, "trigger_seq": record.seq, "trigger_event_type": record.event_type,
                 "trigger_actor_id": record.actor_id, **extra},
    )

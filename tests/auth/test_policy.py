"""The policy function on its own: deny by default, attributes, and event field checks."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduling import events
from scheduling.policy import ROLE_ACTIONS, PolicyContext, Principal, Resource, authorize

NOON = dt.datetime(2027, 1, 5, 12, 0, tzinfo=dt.timezone.utc)


def _staff(role: str, **changes) -> Principal:
    fields = dict(kind="staff", id=1, organization_id=1, role=role, site_ids=frozenset({10}),
                  mfa_verified=True, authenticated_at=NOON)
    fields.update(changes)
    return Principal(**fields)


def test_unknown_action_denied() -> None:
    for role in ("front_desk", "clinician", "billing", "admin", "compliance"):
        decision = authorize(_staff(role), "patient.delete", None, PolicyContext(now=NOON))
        assert decision.allowed is False
        assert decision.code == "forbidden"


def test_every_action_has_roles() -> None:
    assert all(ROLE_ACTIONS.values())


def test_access_hours_limit_front_desk() -> None:
    evening = PolicyContext(now=NOON.replace(hour=20), access_hours="07:00-19:00")
    desk = authorize(_staff("front_desk"), "patient.search", None, evening)
    assert desk.code == "outside_access_hours"
    clinician = authorize(_staff("clinician"), "patient.search", None, evening)
    assert clinician.allowed is True
    daytime = PolicyContext(now=NOON, access_hours="07:00-19:00")
    assert authorize(_staff("front_desk"), "patient.search", None, daytime).allowed is True


def test_site_scope_and_tenant() -> None:
    context = PolicyContext(now=NOON)
    own_site = Resource(1, frozenset({10}))
    other_site = Resource(1, frozenset({11}))
    other_org = Resource(2, frozenset({10}))
    assert authorize(_staff("front_desk"), "patient.read", own_site, context).allowed
    assert authorize(_staff("front_desk"), "patient.read", other_site, context).status == 404
    assert authorize(_staff("admin"), "patient.read", other_site, context).allowed
    assert authorize(_staff("admin"), "patient.read", other_org, context).status == 404


def test_break_glass_never_crosses_tenants() -> None:
    elevated = _staff("front_desk", break_glass_until=NOON + dt.timedelta(minutes=30))
    context = PolicyContext(now=NOON)
    assert authorize(elevated, "patient.read", Resource(1, frozenset({11})), context).allowed
    assert authorize(elevated, "patient.read", Resource(2, frozenset({10})),
                     context).status == 404
    assert authorize(elevated, "patient.read_unmasked", None, context).via_break_glass
    later = PolicyContext(now=NOON + dt.timedelta(minutes=31))
    assert authorize(elevated, "patient.read_unmasked", None, later).status == 403


def test_patient_principal_is_not_staff() -> None:
    patient = _staff("patient", kind="patient")
    decision = authorize(patient, "patient.read", None, PolicyContext(now=NOON))
    assert decision.code == "staff_only"


def test_mfa_checked_before_role() -> None:
    decision = authorize(_staff("admin", mfa_verified=False), "staff.read", None,
                         PolicyContext(now=NOON))
    assert decision.code == "mfa_required"


def test_emit_rejects_phi_fields() -> None:
    with pytest.raises(ValueError, match="email"):
        events.emit("test.event", email="someone@example.com")
    with pytest.raises(ValueError, match="scalar"):
        events.emit("test.event", ids=[1, 2])
    with pytest.raises(ValueError, match="longer"):
        events.emit("test.event", note="x" * 101)


def test_emit_reaches_sinks_despite_failure(caplog: pytest.LogCaptureFixture) -> None:
    received = []

    def broken(event_type: str, fields: dict) -> None:
        raise RuntimeError("sink down")

    remove_broken = events.add_sink(broken)
    remove_good = events.add_sink(lambda event_type, fields: received.append(event_type))
    try:
        with caplog.at_level("INFO", logger="scheduling.events"):
            events.emit("test.event", staff_id=3, alert=True)
    finally:
        remove_broken()
        remove_good()
    assert received == ["test.event"]
    assert "event test.event alert=True staff_id=3" in caplog.text
    assert "failed on test.event" in caplog.text

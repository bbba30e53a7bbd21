"""Tenant and site scope, masking by role, break-glass, and booking on a patient's behalf."""

from __future__ import annotations

import datetime as dt
import uuid

from tests.auth.conftest import AuthApp, bearer

REASON = "patient called about an urgent referral at another site"


def test_other_tenant_sees_nothing(auth_app: AuthApp) -> None:
    other = auth_app.staff_token("other_tenant")
    ours = auth_app.patients[0].id
    listed = auth_app.client.get("/v1/staff/patients", headers=bearer(other)).json()["patients"]
    assert [row["last_name"] for row in listed] == ["Otherly"]

    foreign = auth_app.client.get(f"/v1/staff/patients/{ours}", headers=bearer(other))
    missing = auth_app.client.get("/v1/staff/patients/999999", headers=bearer(other))
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()

    escalations = auth_app.client.get("/v1/staff/escalations", headers=bearer(other)).json()
    assert [row["id"] for row in escalations["escalations"]] == [auth_app.other_escalation_id]
    export = auth_app.client.get("/v1/admin/exports/appointments", headers=bearer(other)).json()
    assert export["appointments"] == []
    staff = auth_app.client.get("/v1/admin/staff", headers=bearer(other)).json()["staff"]
    assert [row["email"] for row in staff] == [auth_app.staff["other_tenant"].email]


def test_our_staff_cannot_reach_other_tenant(auth_app: AuthApp) -> None:
    admin = auth_app.staff_token("admin")
    response = auth_app.client.get(f"/v1/staff/patients/{auth_app.other_patient_id}",
                                   headers=bearer(admin))
    assert response.status_code == 404
    claim = auth_app.client.post(f"/v1/staff/escalations/{auth_app.other_escalation_id}/claim",
                                 headers=bearer(admin))
    assert claim.status_code == 404


def test_front_desk_limited_to_sites(auth_app: AuthApp) -> None:
    desk = auth_app.staff_token("front_desk")  # Sunnyvale only
    listed = auth_app.client.get("/v1/staff/patients", headers=bearer(desk)).json()["patients"]
    assert sorted(row["last_name"] for row in listed) == ["Placeholder", "Testwell"]
    denver_patient = auth_app.patients[1].id
    response = auth_app.client.get(f"/v1/staff/patients/{denver_patient}", headers=bearer(desk))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "patient_not_found"


def test_masking_by_role(auth_app: AuthApp) -> None:
    patient = auth_app.patients[0]
    path = f"/v1/staff/patients/{patient.id}"
    desk = auth_app.staff_token("front_desk")
    masked = auth_app.client.get(path, headers=bearer(desk)).json()
    assert masked["masked"] is True
    assert masked["date_of_birth"] == f"{patient.date_of_birth.year}-**-**"
    assert masked["phone"] == "***-***-0101"
    assert masked["email"] == "j***@example.com"
    refused = auth_app.client.get(path, params={"reason": REASON}, headers=bearer(desk))
    assert refused.status_code == 403

    clinician = auth_app.staff_token("clinician")
    plain = auth_app.client.get(path, params={"reason": REASON}, headers=bearer(clinician))
    assert plain.status_code == 200, plain.text
    assert plain.json()["masked"] is False
    assert plain.json()["phone"] == patient.phone
    short = auth_app.client.get(path, params={"reason": "because"}, headers=bearer(clinician))
    assert short.status_code == 422
    assert short.json()["error"]["field"] == "reason"
    assert any(name == "patient.unmasked_view" for name, _ in auth_app.events)


def test_break_glass_widens_then_expires(auth_app: AuthApp) -> None:
    desk = auth_app.staff_token("front_desk")
    denver_patient = auth_app.patients[1].id
    path = f"/v1/staff/patients/{denver_patient}"
    assert auth_app.client.get(path, headers=bearer(desk)).status_code == 404

    short = auth_app.client.post("/v1/staff/break-glass", json={"reason": "urgent"},
                                 headers=bearer(desk))
    assert short.status_code == 422
    started = auth_app.client.post("/v1/staff/break-glass", json={"reason": REASON},
                                   headers=bearer(desk))
    assert started.status_code == 201, started.text
    alerts = [fields for name, fields in auth_app.events if name == "break_glass.started"]
    assert alerts and alerts[-1]["alert"] is True
    assert "reason" not in alerts[-1]

    unmasked = auth_app.client.get(path, params={"reason": REASON}, headers=bearer(desk))
    assert unmasked.status_code == 200, unmasked.text
    assert unmasked.json()["masked"] is False

    auth_app.clock.advance(minutes=14)
    assert auth_app.client.get(path, headers=bearer(desk)).status_code == 200
    auth_app.clock.advance(minutes=14)
    assert auth_app.client.get(path, headers=bearer(desk)).status_code == 200
    auth_app.clock.advance(minutes=3)
    assert auth_app.client.get(path, headers=bearer(desk)).status_code == 404


def test_break_glass_needs_recent_auth(auth_app: AuthApp) -> None:
    desk = auth_app.staff_token("front_desk")
    auth_app.clock.advance(minutes=6)
    response = auth_app.client.post("/v1/staff/break-glass", json={"reason": REASON},
                                    headers=bearer(desk))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "reauthentication_required"


def test_staff_booking_limited_to_sites(auth_app: AuthApp) -> None:
    desk = auth_app.staff_token("front_desk")
    admin = auth_app.staff_token("admin")
    start = (auth_app.clock.now.date() + dt.timedelta(days=1)).isoformat()
    boston = auth_app.client.get("/v1/staff/slots", headers=bearer(admin), params={
        "site_id": auth_app.sites["Boston Clinic"], "start_date": start}).json()["slots"]
    sunnyvale = auth_app.client.get("/v1/staff/slots", headers=bearer(desk),
                                    params={"start_date": start}).json()["slots"]
    assert boston and sunnyvale
    assert {slot["site_id"] for slot in sunnyvale} == {auth_app.sites["Sunnyvale Clinic"]}
    hidden = auth_app.client.get("/v1/staff/slots", headers=bearer(desk),
                                 params={"site_id": auth_app.sites["Boston Clinic"]})
    assert hidden.status_code == 404

    patient = auth_app.patients[0].id
    url = f"/v1/staff/patients/{patient}/appointments"
    refused = auth_app.client.post(url, json={"slot_id": boston[0]["slot_id"]},
                                   headers={**bearer(desk), "Idempotency-Key": uuid.uuid4().hex})
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "slot_not_found"
    booked = auth_app.client.post(url, json={"slot_id": sunnyvale[0]["slot_id"]},
                                  headers={**bearer(desk), "Idempotency-Key": uuid.uuid4().hex})
    assert booked.status_code == 201, booked.text
    listed = auth_app.client.get(url, headers=bearer(desk)).json()["appointments"]
    assert [row["id"] for row in listed] == [booked.json()["id"]]


def test_escalation_claim_flow(auth_app: AuthApp) -> None:
    patient_token = auth_app.client.post("/v1/auth/patient-token", json={
        "email": auth_app.patients[0].email,
        "date_of_birth": auth_app.patients[0].date_of_birth.isoformat()}).json()["access_token"]
    created = auth_app.client.post("/v1/escalations", headers=bearer(patient_token), json={
        "conversation_id": "c-1", "reason": "wants a person", "priority": "urgent",
        "channel": "web", "summary": "synthetic"}).json()
    desk = auth_app.staff_token("front_desk")
    clinician = auth_app.staff_token("clinician")
    queue = auth_app.client.get("/v1/staff/escalations", headers=bearer(desk)).json()
    assert [row["id"] for row in queue["escalations"]] == [created["id"]]

    base = f"/v1/staff/escalations/{created['id']}"
    early = auth_app.client.post(f"{base}/resolve", headers=bearer(desk))
    assert early.json()["error"]["code"] == "escalation_not_claimed"
    claimed = auth_app.client.post(f"{base}/claim", headers=bearer(desk))
    assert claimed.json()["status"] == "claimed"
    twice = auth_app.client.post(f"{base}/claim", headers=bearer(clinician))
    assert twice.status_code == 409
    other = auth_app.client.post(f"{base}/hand-back", headers=bearer(clinician))
    assert other.json()["error"]["code"] == "claimed_by_another"
    handed = auth_app.client.post(f"{base}/hand-back", headers=bearer(desk))
    assert handed.json()["status"] == "handed_back"
    assert handed.json()["closed_at"] is not None


def test_export_needs_recent_auth(auth_app: AuthApp) -> None:
    compliance = auth_app.staff_token("compliance")
    assert auth_app.client.get("/v1/admin/exports/appointments",
                               headers=bearer(compliance)).status_code == 200
    auth_app.clock.advance(minutes=6)
    stale = auth_app.client.get("/v1/admin/exports/appointments", headers=bearer(compliance))
    assert stale.status_code == 403
    assert stale.json()["error"]["code"] == "reauthentication_required"

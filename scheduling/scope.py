"""Scope of a staff member: the patients and escalations they may reach.

A patient belongs to their home site and to every site where they have an appointment. Staff
of site-scoped roles see patients of their sites; admin and compliance see the whole
organization. Listing queries filter by scope; single-record reads build a `Resource` and ask
the policy, which also applies break-glass.
"""

from __future__ import annotations

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import Session

from scheduling.auth.deps import Actor
from scheduling.errors import ApiError
from scheduling.models import Appointment, Escalation, Patient
from scheduling.policy import TENANT_WIDE_ROLES, Resource

PATIENT_NOT_FOUND = "No patient has this id. Search with GET /v1/staff/patients."


def patient_sites(session: Session, patient: Patient) -> frozenset[int]:
    """Return the patient's home site and the sites of all their appointments."""
    sites = set(session.scalars(select(Appointment.site_id).where(
        Appointment.patient_id == patient.id).distinct()))
    if patient.home_site_id is not None:
        sites.add(patient.home_site_id)
    return frozenset(sites)


def patient_resource(session: Session, patient: Patient) -> Resource:
    """Describe a patient for the policy."""
    return Resource(patient.organization_id, patient_sites(session, patient))


def load_patient(session: Session, actor: Actor, patient_id: int, action: str) -> Patient:
    """Return the patient if `action` on them is allowed; 404 `patient_not_found` otherwise.

    Another organization's patient and a patient outside the actor's sites get the same 404
    as an id that does not exist.
    """
    actor.require(action, None)
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise ApiError(404, "patient_not_found", PATIENT_NOT_FOUND)
    actor.require(action, patient_resource(session, patient), "patient_not_found",
                  PATIENT_NOT_FOUND)
    return patient


def scoped_patients(actor: Actor) -> Select[tuple[Patient]]:
    """Return a query of the patients the actor's role and sites cover."""
    principal = actor.principal
    query = select(Patient).where(Patient.organization_id == principal.organization_id)
    if principal.role in TENANT_WIDE_ROLES:
        return query
    sites = list(principal.site_ids)
    at_site = exists().where(Appointment.patient_id == Patient.id,
                             Appointment.site_id.in_(sites))
    return query.where(or_(Patient.home_site_id.in_(sites), at_site))


def scoped_escalations(actor: Actor) -> Select[tuple[Escalation]]:
    """Return a query of the escalations whose patients are in the actor's scope."""
    patient_ids = scoped_patients(actor).with_only_columns(Patient.id)
    return select(Escalation).where(
        Escalation.organization_id == actor.principal.organization_id,
        Escalation.patient_id.in_(patient_ids.scalar_subquery()))

"""Sites, providers and appointment types of the patient's organization."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from scheduling.deps import SessionDep
from scheduling.models import AppointmentType, Provider, Site
from scheduling.schemas import (
    AppointmentTypeOut,
    DirectoryOut,
    ErrorOut,
    ProviderOut,
    SiteOut,
)
from scheduling.security import CurrentPatient

router = APIRouter(prefix="/v1", tags=["directory"])


@router.get("/directory", response_model=DirectoryOut, responses={401: {"model": ErrorOut}})
def read_directory(patient: CurrentPatient, session: SessionDep) -> DirectoryOut:
    """List everything a patient of this organization can book."""
    org_id = patient.organization_id
    sites = session.scalars(select(Site).where(Site.organization_id == org_id).order_by(Site.id))
    providers = session.scalars(
        select(Provider)
        .where(Provider.organization_id == org_id)
        .options(selectinload(Provider.sites), selectinload(Provider.appointment_types))
        .order_by(Provider.id)
    )
    types = session.scalars(
        select(AppointmentType)
        .where(AppointmentType.organization_id == org_id)
        .order_by(AppointmentType.id)
    )
    return DirectoryOut(
        sites=[SiteOut.model_validate(site, from_attributes=True) for site in sites],
        providers=[_provider_out(provider) for provider in providers],
        appointment_types=[AppointmentTypeOut.model_validate(item, from_attributes=True)
                           for item in types],
    )


def _provider_out(provider: Provider) -> ProviderOut:
    return ProviderOut(
        id=provider.id,
        name=provider.name,
        display_name=provider.display_name,
        specialty=provider.specialty,
        site_ids=[site.id for site in provider.sites],
        appointment_type_ids=[item.id for item in provider.appointment_types],
    )

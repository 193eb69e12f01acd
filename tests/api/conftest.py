"""A small world of records, one of each kind, inside every persona's scope where their role allows."""

from dataclasses import dataclass
from datetime import date

import pytest
from django.contrib.auth.models import AbstractBaseUser
from rest_framework.test import APIClient

from outcomes.services import analysis_request
from taskforce.org.models import AccessLog, Area, StaffProfile
from taskforce.org.services import api_token_create
from tests.factories import (
    AreaStatisticFactory,
    BenefitRecordFactory,
    BreakGlassGrantFactory,
    DesignationFactory,
    EnforcementActionFactory,
    HazardFindingFactory,
    HouseholdFactory,
    InterventionFactory,
    JobFactory,
    LicenceFactory,
    MembershipFactory,
    PlacementFactory,
    ReferralFactory,
    ResidenceFactory,
    ServiceFactory,
    UserFactory,
    agency,
    shared_household,
)


@dataclass
class World:
    ids: dict[str, int]


@pytest.fixture
def world(caseworker: StaffProfile, ward_manager: StaffProfile, policy_lead: StaffProfile) -> World:
    """One record per endpoint, in Cliftonville West, shared with Jobcentre Plus (the caseworker's agency)."""
    household = shared_household(agency("jcp"), key_worker=caseworker)
    membership = MembershipFactory(household=household)
    residence = ResidenceFactory(household=household)
    finding = HazardFindingFactory(inspection__property=residence.property)
    grant = BreakGlassGrantFactory(user=ward_manager.user, household=household)
    entry = AccessLog.objects.create(
        username="casey", route="api", action="detail", resource="households.household"
    )
    token, _ = api_token_create(user=caseworker.user, name="script")
    # The figures the dashboards compare, for the ward and Kent, from the year the case is open in (the
    # aggregates' default period).
    january_2011 = {"frequency": "month", "period_start": date(2011, 1, 1)}
    AreaStatisticFactory(measure="working_age_population", value=8_000, **january_2011)
    kent = Area.objects.get(gss_code="E10000016")
    for measure, value in (("out_of_work_claimants", 90_000), ("working_age_population", 900_000)):
        AreaStatisticFactory(area=kent, measure=measure, value=value, **january_2011)
    ids = {
        "households": household.pk,
        "people": membership.person_id,
        "memberships": membership.pk,
        "residences": residence.pk,
        "data-sharing-bases": household.sharing_bases.get().pk,
        "placements": PlacementFactory(household=household).pk,
        "properties": residence.property_id,
        "licences": LicenceFactory(property=residence.property).pk,
        "inspections": finding.inspection_id,
        "hazard-findings": finding.pk,
        "enforcement-actions": EnforcementActionFactory(property=residence.property).pk,
        "designations": DesignationFactory().pk,
        "public-register": 0,
        "services": ServiceFactory().pk,
        "interventions": InterventionFactory(household=household, person=membership.person).pk,
        "referrals": ReferralFactory(household=household).pk,
        "benefit-records": BenefitRecordFactory(person=membership.person).pk,
        "area-statistics": AreaStatisticFactory(measure="out_of_work_claimants", **january_2011).pk,
        "jobs": JobFactory(requested_by=caseworker.user).pk,
        "areas": household.ward_id,
        "agencies": agency("jcp").pk,
        "staff": caseworker.pk,
        "tokens": token.pk,
        "audit": entry.pk,
        "break-glass": grant.pk,
        "subject-access": membership.person_id,
        "retention": HouseholdFactory(status="closed", closed_on=date(2011, 3, 31)).pk,
        "imports": 0,
        "analysis-runs": analysis_request(kind="gap", requested_by=policy_lead.user, enqueue=False).pk,
    }
    return World(ids=ids)


@pytest.fixture
def administrator(db: None) -> AbstractBaseUser:
    """A Django administrator with no staff profile: no role, so no personal data."""
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def client_for(user: AbstractBaseUser | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client

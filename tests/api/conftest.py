"""A small world of records, one of each kind, inside every persona's scope where their role allows."""

from dataclasses import dataclass
from datetime import date

import pytest
from django.contrib.auth.models import AbstractBaseUser
from rest_framework.test import APIClient

from households.models import AgreementSignatory, Boundary, PersonLink, PlacingAuthority
from outcomes.services import analysis_request
from privacy.models import SharingAgreement, SubjectAccessRequest
from taskforce.org.models import AccessLog, Area, StaffProfile
from taskforce.org.services import api_token_create
from tests.casework.factories import (
    CaseNoteFactory,
    GoalFactory,
    PlanActionFactory,
    ReviewFactory,
    TaskFactory,
)
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
    review = ReviewFactory(plan__assessment__household=household)
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
        "referrals/inbox": ReferralFactory(
            household=household, from_agency=agency("nhs"), to_agency=agency("jcp")
        ).pk,
        "person-links": PersonLink.objects.create(
            person=membership.person,
            other=MembershipFactory(household=household, relationship="partner").person,
            kind=PersonLink.Kind.DISTINCT,
            recorded_on=date(2011, 1, 1),
        ).pk,
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
        "case-notes": CaseNoteFactory(household=household, author=caseworker.user).pk,
        "assessments": review.plan.assessment_id,
        "case-plans": review.plan_id,
        "plan-reviews": review.pk,
        "plan-goals": (goal := GoalFactory(plan=review.plan)).pk,
        "plan-actions": PlanActionFactory(goal=goal).pk,
        "tasks": TaskFactory(household=household, assignee=caseworker.user, team=None).pk,
        "analysis-runs": analysis_request(kind="gap", requested_by=policy_lead.user, enqueue=False).pk,
        "subject-access-requests": SubjectAccessRequest.objects.create(
            reference="SAR-2026-0001",
            requester="A. Requester",
            person=membership.person,
            received_on=date(2026, 6, 1),
            handled_by=policy_lead.user,
        ).pk,
        "sharing-agreements": SharingAgreement.objects.create(
            title="Employment support",
            partner=agency("jcp"),
            purpose="Work coaches",
            gateway="dea_s35",
            starts_on=date(2025, 1, 1),
            review_on=date(2027, 1, 1),
        ).pk,
        "placing-authorities": PlacingAuthority.objects.get(gss_code="E09000012").pk,
        "agreement-signatories": AgreementSignatory.objects.create(
            authority=PlacingAuthority.objects.get(gss_code="E09000012"),
            signed_on=date(2011, 1, 1),
            commitments="No placements without notice.",
        ).pk,
        "boundaries": Boundary.objects.create(
            area=household.ward,
            geometry={"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
        ).pk,
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

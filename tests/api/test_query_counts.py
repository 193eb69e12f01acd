"""List endpoints cost the same number of queries however many records a page holds (no N+1)."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from households.models import PersonLink
from taskforce.org.models import StaffProfile
from tests.api.conftest import World, client_for
from tests.casework.factories import (
    CaseNoteFactory,
    GoalFactory,
    PlanActionFactory,
    ReviewFactory,
    TaskFactory,
)
from tests.factories import (
    BenefitRecordFactory,
    DataSharingBasisFactory,
    DesignationFactory,
    HazardFindingFactory,
    InterventionFactory,
    LicenceFactory,
    MembershipFactory,
    PlacementFactory,
    ReferralFactory,
    ResidenceFactory,
    agency,
    shared_household,
)

pytestmark = pytest.mark.django_db

# Per list request, besides authentication and the staff-profile lookup (cached on these test users): the
# read's savepoint, count, page, the people it exposes, the log's savepoint, its row, its subjects, and two
# releases. Data-sharing bases add one prefetch of their agencies.
PINNED = {
    "households": 9,
    "people": 8,  # the people exposed are the rows themselves
    "memberships": 9,
    "residences": 9,
    "data-sharing-bases": 10,
    "placements": 9,
    "interventions": 9,
    "referrals": 9,
    "referrals/inbox": 9,
    "person-links": 8,
    "benefit-records": 9,
    # Case work: assessments add one prefetch of their needs; plans three (goals with their outcomes, the
    # goals' actions, their sustain checks).
    "case-notes": 9,
    "assessments": 10,
    "case-plans": 12,
    "plan-reviews": 9,
    "tasks": 9,
}


def populate(n: int) -> None:
    for _ in range(n):
        household = shared_household(agency("jcp"))
        member = MembershipFactory(household=household)
        ResidenceFactory(household=household)
        PlacementFactory(household=household)
        InterventionFactory(household=household, person=member.person)
        BenefitRecordFactory(person=member.person)
        ReferralFactory(household=household)
        ReferralFactory(household=household, from_agency=agency("nhs"), to_agency=agency("jcp"))
        DataSharingBasisFactory(household=household)
        PersonLink.objects.create(
            person=member.person,
            other=MembershipFactory(household=household, relationship="partner").person,
            kind=PersonLink.Kind.SAME,
            recorded_on=date(2011, 1, 1),
        )
        CaseNoteFactory(household=household)
        goal = GoalFactory(plan__assessment__household=household)
        PlanActionFactory(goal=goal)
        ReviewFactory(plan=goal.plan)
        TaskFactory(household=household)


@pytest.mark.parametrize(("resource", "queries"), PINNED.items())
def test_case_lists_have_pinned_query_counts(
    resource: str, queries: int, caseworker: StaffProfile, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    populate(3)
    client = client_for(caseworker.user)
    with django_assert_num_queries(queries):
        assert client.get(f"/api/v1/{resource}/").status_code == 200


def test_the_count_does_not_grow_with_the_page(
    caseworker: StaffProfile, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    client = client_for(caseworker.user)
    populate(1)
    with django_assert_num_queries(PINNED["interventions"]):
        client.get("/api/v1/interventions/")
    populate(5)
    with django_assert_num_queries(PINNED["interventions"]):
        assert client.get("/api/v1/interventions/").json()["count"] == 6


@pytest.mark.parametrize("resource", ["properties", "licences", "inspections", "hazard-findings"])
def test_housing_lists_have_pinned_query_counts(
    resource: str, housing_officer: StaffProfile, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for _ in range(3):
        LicenceFactory(property=HazardFindingFactory().inspection.property)
    # Housing records expose no person: no people to find, no subjects to write.
    with django_assert_num_queries(7):
        assert client_for(housing_officer.user).get(f"/api/v1/{resource}/").status_code == 200


# Aggregates, once the dashboards' figures are cached: the caller's wards and the data fingerprint, and for
# the whole dashboard the staff fingerprint of the caseload table's worker names.
AGGREGATES = {"/api/v1/aggregates/": 3, "/api/v1/aggregates/interventions/": 2}


@pytest.mark.parametrize(("path", "queries"), AGGREGATES.items())
def test_aggregates_have_pinned_query_counts_once_cached(
    path: str,
    queries: int,
    world: World,
    ward_manager: StaffProfile,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    cache.clear()
    populate(3)
    client = client_for(ward_manager.user)
    assert client.get(path).status_code == 200
    with django_assert_num_queries(queries):
        assert client.get(path).status_code == 200
    cache.clear()


def test_computing_the_aggregates_costs_the_same_queries_however_many_records(
    world: World, policy_lead: StaffProfile
) -> None:
    client = client_for(policy_lead.user)
    counts = []
    for n in (1, 4):
        populate(n)
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/aggregates/placements-authority/").status_code == 200
        counts.append(len(queries))
    cache.clear()
    assert counts[0] == counts[1]


# Place reference data: the count and the page (authentication is cached on these test users); the
# Agreement register's figures: the caller's wards, the placements and the signatories twice (the frame and
# the records beside it).
PLACE = {
    "/api/v1/placing-authorities/": 2,
    "/api/v1/agreement-signatories/": 2,
    "/api/v1/boundaries/": 2,
    "/api/v1/agreement-signatories/register/": 4,
}


@pytest.mark.parametrize(("path", "queries"), PLACE.items())
def test_place_endpoints_have_pinned_query_counts(
    path: str,
    queries: int,
    world: World,
    ward_manager: StaffProfile,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    populate(3)
    client = client_for(ward_manager.user)
    client.get(path)
    with django_assert_num_queries(queries):
        assert client.get(path).status_code == 200


def test_designations_and_the_public_register_have_pinned_query_counts(
    housing_officer: StaffProfile, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for _ in range(3):
        DesignationFactory()
        LicenceFactory(starts_on=date(2025, 1, 1), expires_on=date(2029, 12, 31))
    # Designations: count, page, their wards (one prefetch). No personal data, so no access log.
    with django_assert_num_queries(3):
        assert client_for(housing_officer.user).get("/api/v1/designations/").json()["count"] == 3
    # The public register, signed out: count and page, the homes joined in; the rate limit is in the cache.
    with django_assert_num_queries(2):
        assert client_for(None).get("/api/v1/public-register/").json()["count"] == 3

"""Who sees which records: the visible_to(user) QuerySet methods shared by the API and the web pages."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from households.models import (
    DataSharingBasis,
    HazardFinding,
    Household,
    Licence,
    Membership,
    Person,
    Placement,
    Property,
    Residence,
)
from interventions.models import Intervention, Referral
from outcomes.models import BenefitRecord
from taskforce.org.models import StaffProfile
from tests.conftest import CLOCK_START
from tests.factories import (
    BenefitRecordFactory,
    BreakGlassGrantFactory,
    DataSharingBasisFactory,
    HazardFindingFactory,
    HouseholdFactory,
    InterventionFactory,
    LicenceFactory,
    MembershipFactory,
    PlacementFactory,
    PropertyFactory,
    ReferralFactory,
    ResidenceFactory,
    agency,
    shared_household,
    ward,
)

pytestmark = pytest.mark.django_db

# The suite's day (tests/conftest.py), named outright: a module never reads the clock when it is imported.
TODAY = CLOCK_START.date()


def visible(model: type, profile: StaffProfile) -> set:  # type: ignore[type-arg]
    return set(model.objects.visible_to(profile.user))


def test_caseworker_sees_households_in_their_ward_shared_with_their_agency(caseworker: StaffProfile) -> None:
    shared = shared_household(agency("jcp"))
    assert visible(Household, caseworker) == {shared}


def test_caseworker_does_not_see_a_household_in_another_ward(caseworker: StaffProfile) -> None:
    shared_household(agency("jcp"), ward_code="E05005093")
    assert visible(Household, caseworker) == set()


def test_caseworker_does_not_see_a_household_shared_only_with_other_agencies(
    caseworker: StaffProfile,
) -> None:
    shared_household(agency("police"), agency("nhs"))
    HouseholdFactory()  # no data-sharing basis at all
    assert visible(Household, caseworker) == set()


@pytest.mark.parametrize(
    "dates",
    [
        pytest.param({"expires_on": TODAY}, id="expired today"),
        pytest.param({"withdrawn_on": TODAY}, id="withdrawn today"),
        pytest.param({"starts_on": TODAY + timedelta(days=1), "expires_on": None}, id="starts tomorrow"),
    ],
)
def test_caseworker_loses_a_household_whose_basis_is_not_in_force(
    caseworker: StaffProfile, dates: dict
) -> None:  # type: ignore[type-arg]
    household = HouseholdFactory()
    DataSharingBasisFactory(household=household, **{"starts_on": date(2010, 9, 1), **dates})
    assert visible(Household, caseworker) == set()


def test_caseworker_keeps_a_household_while_one_basis_is_still_in_force(caseworker: StaffProfile) -> None:
    household = shared_household(agency("jcp"))
    DataSharingBasisFactory(household=household, withdrawn_on=date(2011, 1, 1))
    assert visible(Household, caseworker) == {household}


def test_caseworkers_in_the_same_ward_see_what_is_shared_with_their_own_agency(
    caseworker: StaffProfile, caseworker_police: StaffProfile, caseworker_central: StaffProfile
) -> None:
    jcp = shared_household(agency("jcp"))
    police = shared_household(agency("police"))
    central = shared_household(agency("jcp"), ward_code="E05005093")
    assert visible(Household, caseworker) == {jcp}
    assert visible(Household, caseworker_police) == {police}
    assert visible(Household, caseworker_central) == {central}


def test_ward_manager_sees_every_household_in_their_wards_whatever_the_basis(
    ward_manager: StaffProfile,
) -> None:
    in_wards = {HouseholdFactory(), HouseholdFactory(ward=ward("E05005093")), shared_household(agency("nhs"))}
    assert visible(Household, ward_manager) == in_wards


def test_break_glass_grant_widens_a_ward_managers_view_by_one_household(ward_manager: StaffProfile) -> None:
    ward_manager.wards.set([ward("E05005088")])
    outside, also_outside = HouseholdFactory(ward=ward("E05005093")), HouseholdFactory(ward=ward("E05005093"))
    assert outside not in visible(Household, ward_manager)
    BreakGlassGrantFactory(user=ward_manager.user, household=outside)
    assert visible(Household, ward_manager) == {outside}
    assert also_outside not in visible(Household, ward_manager)


def test_an_expired_break_glass_grant_opens_nothing(ward_manager: StaffProfile) -> None:
    ward_manager.wards.set([])
    grant = BreakGlassGrantFactory(user=ward_manager.user)
    expired = BreakGlassGrantFactory(
        user=ward_manager.user,
        granted_at=timezone.now() - timedelta(days=2),
        expires_at=timezone.now() - timedelta(days=1),
    )
    assert visible(Household, ward_manager) == {grant.household}
    assert expired.household not in visible(Household, ward_manager)


@pytest.mark.parametrize("role", ["housing_officer", "policy_lead", "data_protection_officer"])
def test_roles_without_case_work_see_no_household_person_or_case_record(
    role: str, request: pytest.FixtureRequest
) -> None:
    profile = request.getfixturevalue(role)
    profile.wards.set([ward("E05005088"), ward("E05005093")])
    household = shared_household(agency("jcp"), agency("tdc"), agency("kcc"))
    membership = MembershipFactory(household=household)
    InterventionFactory(household=household, notes="Case notes")
    ReferralFactory(household=household)
    PlacementFactory(household=household)
    ResidenceFactory(household=household)
    BenefitRecordFactory(person=membership.person)
    for model in (
        Household,
        Person,
        Membership,
        Residence,
        DataSharingBasis,
        Placement,
        Intervention,
        Referral,
    ):
        assert visible(model, profile) == set(), model.__name__
    assert set(BenefitRecord.objects.visible_to(profile.user)) == set()


def test_records_of_a_household_are_visible_exactly_when_the_household_is(caseworker: StaffProfile) -> None:
    mine, theirs = shared_household(agency("jcp")), shared_household(agency("police"))
    rows = {
        household: {
            Membership: MembershipFactory(household=household),
            Residence: ResidenceFactory(household=household),
            Placement: PlacementFactory(household=household),
            Intervention: InterventionFactory(household=household),
            Referral: ReferralFactory(household=household),
        }
        for household in (mine, theirs)
    }
    for model in (Membership, Residence, Placement, Intervention, Referral):
        assert visible(model, caseworker) == {rows[mine][model]}, model.__name__
    assert visible(DataSharingBasis, caseworker) == set(mine.sharing_bases.all())
    assert visible(Person, caseworker) == {rows[mine][Membership].person}


def test_a_former_member_stays_visible_with_the_household(caseworker: StaffProfile) -> None:
    household = shared_household(agency("jcp"))
    former = MembershipFactory(household=household, left_on=date(2011, 1, 1))
    assert visible(Person, caseworker) == {former.person}


def test_benefit_records_follow_the_person(caseworker: StaffProfile) -> None:
    mine = MembershipFactory(household=shared_household(agency("jcp")))
    theirs = MembershipFactory(household=shared_household(agency("police")))
    record = BenefitRecordFactory(person=mine.person)
    BenefitRecordFactory(person=theirs.person)
    assert set(BenefitRecord.objects.visible_to(caseworker.user)) == {record}


def test_housing_officer_sees_properties_and_housing_records_in_their_wards(
    housing_officer: StaffProfile,
) -> None:
    here = PropertyFactory(area=ward("E05005088"))
    there = PropertyFactory(area=ward("E05005093"))
    licence = LicenceFactory(property=here)
    LicenceFactory(property=there)
    finding = HazardFindingFactory(inspection__property=here)
    HazardFindingFactory(inspection__property=there)
    assert visible(Property, housing_officer) == {here}
    assert visible(Licence, housing_officer) == {licence}
    assert set(HazardFinding.objects.visible_to(housing_officer.user)) == {finding}


def test_caseworker_sees_the_homes_of_their_households_but_not_licences_or_hazards(
    caseworker: StaffProfile,
) -> None:
    home = ResidenceFactory(household=shared_household(agency("jcp"))).property
    PropertyFactory()  # in their ward, but no household of theirs lives there
    LicenceFactory(property=home)
    HazardFindingFactory(inspection__property=home)
    assert visible(Property, caseworker) == {home}
    assert visible(Licence, caseworker) == set()
    assert set(HazardFinding.objects.visible_to(caseworker.user)) == set()


def test_policy_lead_and_dpo_see_no_property(
    policy_lead: StaffProfile, data_protection_officer: StaffProfile
) -> None:
    PropertyFactory()
    assert visible(Property, policy_lead) == set()
    assert visible(Property, data_protection_officer) == set()


def test_occupants_counts_current_members_of_current_residents() -> None:
    home = PropertyFactory()
    now = ResidenceFactory(property=home)
    MembershipFactory.create_batch(2, household=now.household)
    MembershipFactory(household=now.household, left_on=date(2011, 1, 1))
    gone = ResidenceFactory(property=home, moved_in=date(2009, 1, 1), moved_out=date(2010, 1, 1))
    MembershipFactory(household=gone.household)
    assert Property.objects.with_occupants(TODAY).get(pk=home.pk).occupants == 2


def test_an_inactive_account_sees_nothing(caseworker: StaffProfile, ward_manager: StaffProfile) -> None:
    shared_household(agency("jcp"))
    for profile in (caseworker, ward_manager):
        profile.user.is_active = False
        assert visible(Household, profile) == set()
        assert visible(Property, profile) == set()


def test_anonymous_sees_nothing() -> None:
    shared_household(agency("jcp"))
    assert set(Household.objects.visible_to(AnonymousUser())) == set()

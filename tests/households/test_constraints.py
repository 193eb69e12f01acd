"""Model invariants hold in the database itself: a violating write is refused and nothing is half-written."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from households.models import EnforcementAction, HazardFinding, Household, Licence, Membership, Residence
from households.services import MoveError, household_close, household_move, membership_start
from interventions.models import Intervention, Referral
from outcomes.models import BenefitRecord
from tests.factories import (
    BenefitRecordFactory,
    HazardFindingFactory,
    HouseholdFactory,
    InterventionFactory,
    MembershipFactory,
    PersonFactory,
    PlacementFactory,
    PropertyFactory,
    ResidenceFactory,
    agency,
)

pytestmark = pytest.mark.django_db


def refused(write) -> IntegrityError:  # type: ignore[no-untyped-def]
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        write()
    return error.value


def test_second_current_home_is_refused_by_the_database() -> None:
    home = ResidenceFactory()
    refused(
        lambda: Residence.objects.create(
            household=home.household, property=PropertyFactory(), moved_in=date(2011, 1, 1)
        )
    )
    assert home.household.residences.count() == 1


def test_second_current_home_is_refused_by_validation_with_the_rule() -> None:
    home = ResidenceFactory()
    second = Residence(household=home.household, property=PropertyFactory(), moved_in=date(2011, 1, 1))
    with pytest.raises(ValidationError, match="one current home"):
        second.full_clean()


def test_moving_out_before_moving_in_is_refused() -> None:
    home = ResidenceFactory(moved_in=date(2011, 1, 1))
    home.moved_out = date(2010, 12, 31)
    refused(lambda: home.save())


def test_a_move_ends_the_current_home_and_starts_the_next() -> None:
    home = ResidenceFactory(moved_in=date(2010, 9, 1))
    new = household_move(household=home.household, to=PropertyFactory(), on=date(2012, 2, 1))
    home.refresh_from_db()
    assert home.moved_out == date(2012, 2, 1)
    assert new.moved_out is None
    assert home.household.residences.filter(moved_out__isnull=True).get() == new


def test_a_refused_move_writes_nothing() -> None:
    home = ResidenceFactory(moved_in=date(2010, 9, 1))
    with pytest.raises(MoveError, match="moved into its current home on 01 September 2010"):
        household_move(household=home.household, to=PropertyFactory(), on=date(2010, 8, 1))
    home.refresh_from_db()
    assert home.moved_out is None
    assert home.household.residences.count() == 1


def test_a_move_that_fails_validation_half_way_rolls_back_the_move_out() -> None:
    home = ResidenceFactory(moved_in=date(2010, 9, 1))
    unsaved_property = PropertyFactory.build()  # not in the database: the new residence cannot be valid
    with pytest.raises(ValidationError):
        household_move(household=home.household, to=unsaved_property, on=date(2012, 2, 1))
    home.refresh_from_db()
    assert home.moved_out is None


def test_one_current_membership_per_person_per_household() -> None:
    member = MembershipFactory()
    refused(
        lambda: Membership.objects.create(
            household=member.household, person=member.person, relationship="head", joined_on=date(2012, 1, 1)
        )
    )
    with pytest.raises(ValidationError, match="already a current member"):
        membership_start(
            household=member.household, person=member.person, relationship="head", on=date(2012, 1, 1)
        )


def test_a_person_can_rejoin_after_leaving() -> None:
    member = MembershipFactory(left_on=date(2011, 1, 1))
    again = membership_start(
        household=member.household, person=member.person, relationship="head", on=date(2012, 1, 1)
    )
    assert again.pk


def test_case_reference_is_unique() -> None:
    HouseholdFactory(case_reference="MTF-000001")
    refused(lambda: HouseholdFactory(case_reference="MTF-000001"))


def test_case_reference_format_is_validated_with_an_example() -> None:
    household = HouseholdFactory.build(case_reference="12345")
    with pytest.raises(ValidationError) as error:
        household.full_clean()
    assert "MTF- and six digits" in str(error.value.message_dict["case_reference"])


def test_uprn_is_unique_but_optional() -> None:
    PropertyFactory(uprn=100062618451)
    refused(lambda: PropertyFactory(uprn=100062618451))
    PropertyFactory(uprn=None)
    PropertyFactory(uprn=None)


def test_closed_case_needs_a_date_after_opening() -> None:
    household = HouseholdFactory(opened_on=date(2011, 1, 1))
    refused(
        lambda: Household.objects.filter(pk=household.pk).update(status="closed", closed_on=date(2010, 1, 1))
    )
    refused(lambda: Household.objects.filter(pk=household.pk).update(status="closed"))


def test_closing_a_case_ends_membership_and_residence_together() -> None:
    home = ResidenceFactory(moved_in=date(2010, 9, 1))
    MembershipFactory(household=home.household)
    household_close(household=home.household, on=date(2013, 4, 30))
    assert not home.household.residences.filter(moved_out__isnull=True).exists()
    assert not home.household.memberships.filter(left_on__isnull=True).exists()


def test_unique_benefit_record_per_person_month_and_benefit() -> None:
    record = BenefitRecordFactory()
    refused(
        lambda: BenefitRecord.objects.create(
            person=record.person, month=record.month, benefit=record.benefit, amount=Decimal("1.00")
        )
    )


def test_benefit_amount_cannot_be_negative() -> None:
    refused(lambda: BenefitRecordFactory(amount=Decimal("-1.00")))


def test_benefit_month_must_be_the_first_day() -> None:
    record = BenefitRecordFactory.build(person=PersonFactory(), month=date(2011, 1, 15))
    with pytest.raises(ValidationError) as error:
        record.full_clean()
    assert "first day" in str(error.value.message_dict["month"])


def test_placement_cannot_end_before_it_starts() -> None:
    refused(lambda: PlacementFactory(placed_on=date(2011, 3, 1), ended_on=date(2011, 2, 1)))


def test_intervention_dates_are_ordered() -> None:
    refused(lambda: InterventionFactory(referred_on=date(2011, 3, 1), started_on=date(2011, 2, 1)))
    refused(lambda: InterventionFactory(started_on=date(2011, 3, 1), ended_on=date(2011, 2, 1)))
    refused(lambda: InterventionFactory(ended_on=date(2011, 2, 1)))  # ended without starting


def test_intervention_validation_names_the_field() -> None:
    intervention = InterventionFactory.build(
        household=HouseholdFactory(),
        service=InterventionFactory().service,
        referred_on=date(2011, 3, 1),
        started_on=date(2011, 2, 1),
    )
    with pytest.raises(ValidationError) as error:
        intervention.full_clean()
    assert "cannot start before it was referred" in str(error.value.message_dict["started_on"])


def test_intervention_cost_cannot_be_negative() -> None:
    refused(lambda: InterventionFactory(cost=Decimal("-5")))
    assert Intervention.objects.count() == 0


def test_referral_goes_to_another_agency() -> None:
    refused(
        lambda: Referral.objects.create(
            household=HouseholdFactory(),
            from_agency=agency("jcp"),
            to_agency=agency("jcp"),
            reason="x",
            sent_on=date(2011, 1, 1),
        )
    )


def test_remedied_hazard_needs_a_date_and_open_hazard_has_none() -> None:
    refused(lambda: HazardFindingFactory(status=HazardFinding.Status.REMEDIED, remedied_on=None))
    refused(lambda: HazardFindingFactory(status=HazardFinding.Status.OPEN, remedied_on=date(2012, 1, 1)))


def test_hazard_band_and_category_follow_the_score() -> None:
    finding = HazardFindingFactory(score=1000)
    assert (finding.band, finding.category) == ("C", 1)
    assert HazardFinding.objects.category_1().open().get() == finding
    finding.score = 999
    finding.save()
    assert (finding.band, finding.category) == ("D", 2)
    assert not HazardFinding.objects.category_1().exists()


def test_civil_penalty_is_capped_at_thirty_thousand_pounds() -> None:
    prop = PropertyFactory()
    refused(
        lambda: EnforcementAction.objects.create(
            property=prop,
            type="civil_penalty",
            served_on=date(2018, 1, 1),
            penalty_amount=Decimal("30000.01"),
        )
    )
    EnforcementAction.objects.create(
        property=prop, type="civil_penalty", served_on=date(2018, 1, 1), penalty_amount=Decimal("30000.00")
    )


def test_licence_lasts_at_most_five_years_and_mandatory_hmo_rules_apply() -> None:
    licence = Licence(
        property=PropertyFactory(is_hmo=True),
        scheme=Licence.Scheme.MANDATORY_HMO,
        number="L1",
        holder="Owner",
        starts_on=date(2010, 1, 1),
        expires_on=date(2015, 1, 2),
        max_occupiers=4,
        max_households=1,
    )
    with pytest.raises(ValidationError) as error:
        licence.full_clean()
    assert set(error.value.message_dict) == {"expires_on", "max_occupiers", "max_households"}
    assert "at most 5 years" in error.value.message_dict["expires_on"][0]
    licence.expires_on, licence.max_occupiers, licence.max_households = date(2015, 1, 1), 6, 3
    licence.full_clean()


def test_a_civil_penalty_needs_its_amount_and_a_hazard_must_be_the_propertys_own() -> None:
    prop = PropertyFactory()
    action = EnforcementAction(property=prop, type="civil_penalty", served_on=date(2018, 1, 1))
    with pytest.raises(ValidationError) as error:
        action.full_clean()
    assert error.value.message_dict["penalty_amount"] == [
        "A civil penalty needs its amount, more than £0 and at most £30,000."
    ]
    elsewhere = HazardFindingFactory()
    action = EnforcementAction(
        property=prop, finding=elsewhere, type="improvement_notice", served_on=date(2018, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        action.full_clean()
    assert error.value.message_dict["finding"] == ["The hazard was found at another property."]
    action.finding = HazardFindingFactory(inspection__property=prop)
    action.full_clean()

"""Licences from their dates, the rule for which homes need which licence, designations and the statutory
periods. The suite's clock is 15 June 2026."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from households import services, statutory
from households.models import EnforcementAction, Licence, Property
from tests.factories import (
    DesignationFactory,
    EnforcementActionFactory,
    HouseholdFactory,
    LicenceFactory,
    MembershipFactory,
    PropertyFactory,
    ResidenceFactory,
    ward,
)

TODAY = date(2026, 6, 15)
CLIFTONVILLE_WEST, MARGATE_CENTRAL = "E05005088", "E05005093"


def live_in(home: Property, *, households: int, people_each: int) -> None:
    for _ in range(households):
        household = HouseholdFactory()
        ResidenceFactory(household=household, property=home, moved_in=date(2025, 1, 1))
        for _ in range(people_each):
            MembershipFactory(household=household, joined_on=date(2025, 1, 1))


def licensing(home: Property, on: date = TODAY) -> dict[str, object]:
    return Property.objects.filter(pk=home.pk).with_licensing(on).values()[0]


def status_in_sql(licence: Licence, on: date) -> str:
    return Licence.objects.with_status(on).values_list("status_on_day", flat=True).get(pk=licence.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "on", "status"),
    [
        ({}, date(2014, 1, 1), "in_force"),
        ({}, date(2010, 9, 30), "pending"),  # granted, not yet started
        ({}, date(2015, 9, 30), "in_force"),  # the expiry date is its last day
        ({}, date(2015, 10, 1), "expired"),
        ({"revoked_on": date(2012, 4, 2)}, date(2012, 4, 1), "in_force"),
        ({"revoked_on": date(2012, 4, 2)}, date(2012, 4, 2), "revoked"),
        ({"revoked_on": date(2012, 4, 2)}, date(2020, 1, 1), "revoked"),
        ({"decision": "pending"}, date(2014, 1, 1), "pending"),
        ({"decision": "refused"}, date(2014, 1, 1), "refused"),
    ],
)
def test_status_follows_the_decision_and_the_dates_in_python_and_in_sql(
    fields: dict[str, object], on: date, status: str
) -> None:
    licence = LicenceFactory(**fields)  # 1 October 2010 to 30 September 2015
    assert licence.status_on(on) == status
    assert status_in_sql(licence, on) == status
    assert (Licence.objects.in_force(on).filter(pk=licence.pk).exists()) is (status == "in_force")


@pytest.mark.django_db
def test_a_revoked_licence_needs_a_granted_decision_and_a_date_within_its_term() -> None:
    home = PropertyFactory()
    base = {
        "property": home,
        "scheme": "mandatory_hmo",
        "holder": "Lettings Ltd",
        "starts_on": date(2020, 1, 1),
        "expires_on": date(2024, 12, 31),
        "max_occupiers": 6,
        "max_households": 3,
    }
    with pytest.raises(ValidationError) as refused:
        services.licence_record(number="A/1", decision="refused", revoked_on=date(2021, 1, 1), **base)
    assert refused.value.message_dict == {"revoked_on": ["Only a granted licence can be revoked."]}
    with pytest.raises(ValidationError) as late:
        services.licence_record(number="A/2", revoked_on=date(2025, 1, 1), **base)
    assert "between its start date and its expiry date" in late.value.message_dict["revoked_on"][0]
    assert not Licence.objects.exists()


@pytest.mark.django_db
def test_an_hmo_of_five_people_in_two_households_needs_a_mandatory_licence_and_lacks_one() -> None:
    home = PropertyFactory(is_hmo=True)
    live_in(home, households=2, people_each=2)
    assert licensing(home)["needs_licence"] == ""  # four people: below the national threshold
    MembershipFactory(household=home.residences.first().household, joined_on=date(2026, 1, 1))
    facts = licensing(home)
    assert (facts["people_now"], facts["households_now"]) == (5, 2)
    assert facts["needs_licence"] == "mandatory_hmo"
    assert facts["unlicensed"] is True
    # An expired licence does not count; one in force does.
    LicenceFactory(property=home)
    assert licensing(home)["unlicensed"] is True
    LicenceFactory(property=home, starts_on=date(2025, 1, 1), expires_on=date(2029, 12, 31), max_occupiers=6)
    assert licensing(home)["unlicensed"] is False


@pytest.mark.django_db
def test_designations_decide_additional_and_selective_licensing_by_ward_and_date() -> None:
    small_hmo = PropertyFactory(is_hmo=True)
    live_in(small_hmo, households=2, people_each=1)
    rented = PropertyFactory(tenure=Property.Tenure.PRIVATE_RENT)
    owned = PropertyFactory(tenure=Property.Tenure.OWNER_OCCUPIED)
    central = PropertyFactory(tenure=Property.Tenure.PRIVATE_RENT, area=ward(MARGATE_CENTRAL))
    assert [licensing(h)["needs_licence"] for h in (small_hmo, rented, owned, central)] == ["", "", "", ""]
    DesignationFactory(
        starts_on=date(2024, 1, 1), ends_on=date(2028, 12, 31)
    )  # additional, Cliftonville West
    DesignationFactory(
        scheme="selective",
        starts_on=date(2026, 7, 1),
        ends_on=date(2031, 6, 30),
        wards=[ward(CLIFTONVILLE_WEST)],
    )
    assert [licensing(h)["needs_licence"] for h in (small_hmo, rented, owned, central)] == [
        "additional",
        "",  # the selective designation is not in force until July
        "",
        "",
    ]
    assert licensing(rented, date(2026, 7, 1))["needs_licence"] == "selective"
    # Once the additional designation has ended, the small HMO is a rented home in the selective area (s85).
    assert licensing(small_hmo, date(2029, 1, 1))["needs_licence"] == "selective"
    assert licensing(owned, date(2026, 7, 1))["needs_licence"] == ""


@pytest.mark.django_db
def test_more_people_than_the_licence_permits_is_over_occupied() -> None:
    home = PropertyFactory(is_hmo=True)
    live_in(home, households=3, people_each=2)
    LicenceFactory(
        property=home,
        starts_on=date(2025, 1, 1),
        expires_on=date(2029, 12, 31),
        max_occupiers=5,
        max_households=3,
    )
    facts = licensing(home)
    assert (facts["unlicensed"], facts["over_occupied"], facts["licence_max_occupiers"]) == (False, True, 5)


@pytest.mark.django_db
def test_a_designation_lasts_at_most_five_years_and_covers_at_least_one_ward() -> None:
    with pytest.raises(ValidationError) as long:
        services.designation_record(
            name="Too long",
            scheme="additional",
            wards=[ward()],
            starts_on=date(2024, 1, 1),
            ends_on=date(2029, 1, 2),
        )
    assert long.value.message_dict["ends_on"] == [
        "A designation lasts at most 5 years (Housing Act 2004 s60(2), s84(2)): it must end by 1 January 2029."
    ]
    with pytest.raises(ValidationError) as empty:
        services.designation_record(
            name="Nowhere", scheme="selective", wards=[], starts_on=date(2024, 1, 1), ends_on=date(2025, 1, 1)
        )
    assert empty.value.message_dict == {"wards": ["Name at least one ward the designation covers."]}
    designation = services.designation_record(
        name="Both wards",
        scheme="additional",
        wards=[ward(), ward(MARGATE_CENTRAL)],
        starts_on=date(2024, 1, 1),
        ends_on=date(2029, 1, 1),
    )
    assert designation.wards.count() == 2


def test_statutory_periods_come_from_the_reference_data_with_their_sources() -> None:
    assert statutory.appeal_days("improvement_notice") == 21
    assert statutory.appeal_days("prohibition_order") == 28
    assert statutory.appeal_days("prosecution") is None
    # 21 days beginning with the day of service: served 1 June, the last day is 21 June.
    assert statutory.appeal_by("improvement_notice", date(2026, 6, 1)) == date(2026, 6, 21)
    assert all("Housing Act 2004" in p.source for p in statutory.periods().values())
    assert statutory.rules()["mandatory_hmo_min_people"] == 5


@pytest.mark.django_db
def test_notices_past_their_compliance_date_and_appeals_pending() -> None:
    overdue = EnforcementActionFactory(served_on=date(2026, 3, 1), comply_by=date(2026, 6, 1))
    EnforcementActionFactory(served_on=date(2026, 3, 1), comply_by=date(2026, 6, 15))  # due today: not late
    EnforcementActionFactory(
        served_on=date(2026, 3, 1),
        comply_by=date(2026, 5, 1),
        status="complied",
        complied_on=date(2026, 4, 1),
    )
    appealed = EnforcementActionFactory(served_on=date(2026, 6, 1), status="appealed")
    assert list(EnforcementAction.objects.overdue(TODAY)) == [overdue]
    assert list(EnforcementAction.objects.appealed()) == [appealed]
    assert overdue.appeal_by == date(2026, 3, 21)
    with pytest.raises(ValidationError) as early:
        services.enforcement_update(enforcement_action=overdue, comply_by=date(2026, 2, 1))
    assert early.value.message_dict["comply_by"] == [
        "The compliance date cannot come before the action was served."
    ]


def test_every_enforcement_type_has_its_appeal_period_or_is_known_to_have_none() -> None:
    with_period = {action for action, period in statutory.periods() if period == "appeal"}
    types = set(EnforcementAction.Type.values)
    assert types - with_period == {"prosecution", "rent_repayment"}
    assert all(p.source and p.days > 0 for p in statutory.periods().values())

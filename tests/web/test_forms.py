"""Forms: each role may use only its own, bad input is refused with the GOV.UK messages (error summary
linked to the field, inline message), nothing typed is lost, and good input is saved through the services."""

from datetime import date

import pytest
from django.test import Client

from households.models import DataSharingBasis, Household, Licence, Membership, Person, Placement, Residence
from interventions.models import Intervention, Referral
from taskforce.org.models import AccessLog, StaffProfile
from tests.factories import InspectionFactory, PropertyFactory, ServiceFactory, agency, ward

from .conftest import signed_in

pytestmark = pytest.mark.django_db


def dated(name: str, day: object, month: object, year: object) -> dict[str, str]:
    return {f"{name}_day": str(day), f"{name}_month": str(month), f"{name}_year": str(year)}


def errors_of(html: str) -> list[str]:
    import re

    return re.findall(r'<li><a href="#[^"]+">([^<]+)</a></li>', html)


def test_opening_a_case_registers_it_with_its_sharing_basis(client: Client, caseworker: StaffProfile) -> None:
    client = signed_in(client, caseworker)
    assert client.get("/households/new/").status_code == 200
    response = client.post(
        "/households/new/",
        {
            "case_reference": "MTF-000123",
            "ward": ward().pk,
            "basis": "consent",
            "agencies": [agency("jcp").pk, agency("nhs").pk],
            **dated("opened_on", 27, 9, 2010),
        },
    )
    household = Household.objects.get(case_reference="MTF-000123")
    assert response.status_code == 302
    assert response["Location"] == f"/households/{household.pk}/"
    assert household.opened_on == date(2010, 9, 27)
    basis = household.sharing_bases.get()
    assert set(basis.agencies.values_list("code", flat=True)) == {"jcp", "nhs"}
    assert household.history.first().history_change_reason == "web"


def test_a_bad_case_is_refused_with_every_message_and_nothing_typed_is_lost(
    client: Client, caseworker: StaffProfile
) -> None:
    response = signed_in(client, caseworker).post(
        "/households/new/",
        {
            "case_reference": "123",
            "ward": ward().pk,
            "agencies": [agency("nhs").pk],
            **dated("opened_on", 31, 2, 2011),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Open a new case" in html
    assert errors_of(html) == [
        "A case reference is MTF- and six digits, e.g. MTF-000123.",
        "Date the case opened must be a real date",
        "Select the lawful basis for sharing the household&#x27;s data",
        "Include your own agency (Jobcentre Plus) or you will no longer see this case",
    ]
    assert 'href="#id_opened_on_day"' in html
    assert 'id="id_opened_on-error"' in html
    assert 'value="123"' in html
    assert 'value="31"' in html
    assert 'value="2011"' in html
    assert "govuk-input--error" in html
    assert not Household.objects.exists()


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("", "", "", "Enter date of birth"),
        ("", "5", "1980", "Date of birth must include a day"),
        ("3", "", "", "Date of birth must include a month and a year"),
        ("3", "x", "1980", "Date of birth must be a real date"),
        ("3", "5", "80", "Year must include 4 numbers"),
        ("1", "1", "2999", "The date of birth cannot be in the future."),
    ],
)
def test_dates_are_checked_the_govuk_way(
    client: Client,
    caseworker: StaffProfile,
    mine: dict[str, int],
    day: str,
    month: str,
    year: str,
    message: str,
) -> None:
    response = signed_in(client, caseworker).post(
        f"/households/{mine['household']}/members/new/",
        {
            "given_name": "Sam",
            "family_name": "New",
            "relationship": "child",
            **dated("date_of_birth", day, month, year),
            **dated("joined_on", 1, 10, 2010),
        },
    )
    assert errors_of(response.content.decode()) == [message]
    assert not Person.objects.filter(family_name="New").exists()


def test_adding_a_member(client: Client, caseworker: StaffProfile, mine: dict[str, int]) -> None:
    response = signed_in(client, caseworker).post(
        f"/households/{mine['household']}/members/new/",
        {
            "given_name": "Sam",
            "family_name": "New",
            "nino": "ab 65 43 21 a",
            "relationship": "child",
            **dated("date_of_birth", 3, 5, 2001),
            **dated("joined_on", 1, 10, 2010),
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(family_name="New")
    assert person.nino == "AB654321A"
    assert Membership.objects.get(person=person).household_id == mine["household"]


def test_a_duplicate_nino_is_refused_on_its_field(
    client: Client, caseworker: StaffProfile, mine: dict[str, int]
) -> None:
    response = signed_in(client, caseworker).post(
        f"/households/{mine['household']}/people/{mine['person']}/edit/",
        {
            "given_name": "Alex",
            "family_name": "Other",
            "nino": "AB123456C",
            **dated("date_of_birth", 1, 1, 1980),
        },
    )
    assert response.status_code == 302  # the same person keeps their own number
    Person.objects.create(given_name="B", family_name="C", date_of_birth=date(1990, 1, 1), nino="AB111111A")
    response = signed_in(client, caseworker).post(
        f"/households/{mine['household']}/people/{mine['person']}/edit/",
        {
            "given_name": "Alex",
            "family_name": "Other",
            "nino": "AB111111A",
            **dated("date_of_birth", 1, 1, 1980),
        },
    )
    html = response.content.decode()
    assert 'href="#id_nino"' in html
    assert "National Insurance number already exists" in html


def test_editing_a_person_shows_their_details_and_logs_the_read(
    client: Client, caseworker: StaffProfile, mine: dict[str, int]
) -> None:
    html = (
        signed_in(client, caseworker)
        .get(f"/households/{mine['household']}/people/{mine['person']}/edit/")
        .content.decode()
    )
    assert 'value="Shown"' in html
    assert 'value="17"' in html
    assert 'value="1980"' in html
    entry = AccessLog.objects.get(username="casey")
    assert (entry.route, entry.action, entry.resource, entry.object_ids) == (
        "web",
        "detail",
        "households.person",
        [mine["person"]],
    )


def test_a_member_leaves(client: Client, caseworker: StaffProfile, mine: dict[str, int]) -> None:
    url = f"/households/{mine['household']}/memberships/{mine['membership']}/edit/"
    response = signed_in(client, caseworker).post(
        url, {"relationship": "head", **dated("joined_on", 1, 9, 2010), **dated("left_on", 1, 8, 2010)}
    )
    assert errors_of(response.content.decode()) == ["A member cannot leave before joining."]
    response = client.post(
        url, {"relationship": "head", **dated("joined_on", 1, 9, 2010), **dated("left_on", 1, 3, 2012)}
    )
    assert response.status_code == 302
    assert Membership.objects.get(pk=mine["membership"]).left_on == date(2012, 3, 1)


def test_recording_a_move_by_uprn(client: Client, caseworker: StaffProfile, mine: dict[str, int]) -> None:
    PropertyFactory(uprn=555)
    PropertyFactory(uprn=777, area=ward("E05005093"))  # not in the caseworker's ward
    url = f"/households/{mine['household']}/moves/new/"
    client = signed_in(client, caseworker)
    html = client.post(url, {"property": "777", **dated("moved_in", 1, 1, 2012)}).content.decode()
    assert errors_of(html) == [
        "No property with this UPRN in your wards: ask a housing officer to register it first"
    ]
    html = client.post(url, {"property": "555", **dated("moved_in", 1, 1, 2000)}).content.decode()
    assert "moved into its current home on 01 September 2010" in html
    assert client.post(url, {"property": "555", **dated("moved_in", 1, 1, 2012)}).status_code == 302
    assert Residence.objects.get(household=mine["household"], moved_out__isnull=True).property.uprn == 555


def test_recording_and_changing_an_intervention(
    client: Client, caseworker: StaffProfile, mine: dict[str, int]
) -> None:
    service = ServiceFactory(name="Debt advice")
    client = signed_in(client, caseworker)
    url = f"/households/{mine['household']}/interventions/new/"
    html = client.post(
        url, {"service": service.pk, "status": "completed", "cost": "-5", **dated("referred_on", 1, 2, 2011)}
    ).content.decode()
    assert (
        "A completed intervention needs an end date." in html
        or "Ensure this value is greater than or equal to 0" in html
    )
    response = client.post(
        url,
        {
            "service": service.pk,
            "person": mine["person"],
            "status": "referred",
            "cost": "120.50",
            **dated("referred_on", 1, 2, 2011),
        },
    )
    assert response.status_code == 302
    intervention = Intervention.objects.get(service=service)
    response = client.post(
        f"/households/{mine['household']}/interventions/{intervention.pk}/edit/",
        {
            "service": service.pk,
            "status": "completed",
            "outcome": "debt_resolved",
            "cost": "120.50",
            **dated("referred_on", 1, 2, 2011),
            **dated("started_on", 3, 2, 2011),
            **dated("ended_on", 1, 6, 2011),
        },
    )
    assert response.status_code == 302
    intervention.refresh_from_db()
    assert (intervention.outcome, intervention.ended_on) == ("debt_resolved", date(2011, 6, 1))


def test_a_referral_goes_from_the_caseworkers_agency(
    client: Client, caseworker: StaffProfile, mine: dict[str, int]
) -> None:
    from tests.factories import DataSharingBasisFactory

    DataSharingBasisFactory(household_id=mine["household"], agencies=[agency("nhs")])
    response = signed_in(client, caseworker).post(
        f"/households/{mine['household']}/referrals/new/",
        {
            "to_agency": agency("nhs").pk,
            "reason": "Health check",
            "status": "sent",
            **dated("sent_on", 4, 4, 2011),
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get(reason="Health check")
    assert (referral.from_agency.code, referral.to_agency.code) == ("jcp", "nhs")


def test_recording_a_placement(client: Client, caseworker: StaffProfile, mine: dict[str, int]) -> None:
    from households.models import PlacementType, PlacingAuthority

    response = signed_in(client, caseworker).post(
        f"/households/{mine['household']}/placements/new/",
        {
            "placing_authority": PlacingAuthority.objects.get(gss_code="E10000016").pk,
            "type": PlacementType.objects.get(code="ta-s188").pk,
            "legal_basis": "ha_s188",
            **dated("placed_on", 1, 3, 2011),
            **dated("ended_on", 1, 2, 2011),
        },
    )
    assert errors_of(response.content.decode()) == ["A placement cannot end before it started."]
    assert not Placement.objects.exists()


def test_withdrawing_the_sharing_basis_ends_the_caseworkers_access(
    client: Client, caseworker: StaffProfile, mine: dict[str, int]
) -> None:
    basis = DataSharingBasis.objects.get(household=mine["household"])
    response = signed_in(client, caseworker).post(
        f"/households/{mine['household']}/sharing/{basis.pk}/edit/",
        {
            "basis": "consent",
            "agencies": [agency("jcp").pk],
            **dated("starts_on", 1, 9, 2010),
            **dated("withdrawn_on", 1, 1, 2011),
        },
    )
    assert response["Location"] == "/households/"
    assert client.get(f"/households/{mine['household']}/").status_code == 404


def test_ward_manager_and_policy_lead_cannot_post_case_forms(
    client: Client, ward_manager: StaffProfile, policy_lead: StaffProfile, mine: dict[str, int]
) -> None:
    for persona in (ward_manager, policy_lead):
        client = signed_in(Client(), persona)
        response = client.post(f"/households/{mine['household']}/members/new/", {"given_name": "X"})
        assert response.status_code == 403
    assert Person.objects.count() == 1


def test_a_caseworker_cannot_write_to_a_household_out_of_scope(
    client: Client, caseworker: StaffProfile, theirs: dict[str, int]
) -> None:
    client = signed_in(client, caseworker)
    for url in [
        f"/households/{theirs['household']}/members/new/",
        f"/households/{theirs['household']}/people/{theirs['person']}/edit/",
        f"/households/{theirs['household']}/interventions/{theirs['intervention']}/edit/",
    ]:
        assert client.get(url).status_code == 404
        assert client.post(url, {"given_name": "X"}).status_code == 404


# Housing officers


def test_housing_officer_registers_a_property(client: Client, housing_officer: StaffProfile) -> None:
    client = signed_in(client, housing_officer)
    bad = client.post(
        "/properties/new/",
        {"uprn": "12x", "town": "Margate", "postcode": "nowhere", "area": ward().pk, "tenure": "private"},
    )
    assert errors_of(bad.content.decode()) == [
        "A UPRN is up to 12 digits, for example 100062617311",
        "Enter address line 1, typically the building and street",
        "nowhere is not a UK postcode: expected an outward code such as CT9 and an inward code such as 2AB (for example CT9 2AB).",
    ]
    response = client.post(
        "/properties/new/",
        {
            "uprn": "100062617311",
            "address_line_1": "1 Marine Parade",
            "town": "Margate",
            "postcode": "ct9 1aa",
            "area": ward().pk,
            "tenure": "private",
            "is_hmo": "on",
        },
    )
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


def test_housing_officer_records_licence_inspection_and_hazard(
    client: Client, housing_officer: StaffProfile
) -> None:
    home = PropertyFactory()
    client = signed_in(client, housing_officer)
    licence = {
        "scheme": "mandatory_hmo",
        "number": "HMO/1",
        "holder": "Lettings Ltd",
        "max_occupiers": "3",
        "max_households": "2",
        "decision": "granted",
        **dated("starts_on", 1, 1, 2011),
        **dated("expires_on", 1, 1, 2018),
    }
    html = client.post(f"/properties/{home.pk}/licences/new/", licence).content.decode()
    assert "A mandatory HMO licence is for 5 or more people (Housing Act 2004 s55)." in html
    assert "A licence lasts at most 5 years" in html
    licence |= {"max_occupiers": "6", **dated("expires_on", 31, 12, 2015)}
    assert client.post(f"/properties/{home.pk}/licences/new/", licence).status_code == 302
    assert Licence.objects.get(property=home).number == "HMO/1"
    assert (
        client.post(
            f"/properties/{home.pk}/inspections/new/",
            {"reason": "complaint", **dated("inspected_on", 2, 2, 2012)},
        ).status_code
        == 302
    )
    inspection = home.inspections.get()
    assert inspection.officer == housing_officer
    from households.models import Hazard

    response = client.post(
        f"/properties/{home.pk}/inspections/{inspection.pk}/hazards/new/",
        {"hazard": Hazard.objects.get(number=1).pk, "score": "1500", "status": "open"},
    )
    assert response.status_code == 302
    assert inspection.findings.get().category == 1


def test_caseworker_and_ward_manager_cannot_use_housing_forms(
    client: Client, caseworker: StaffProfile, ward_manager: StaffProfile
) -> None:
    home = InspectionFactory().property
    for persona in (caseworker, ward_manager):
        client = signed_in(Client(), persona)
        assert client.get("/properties/new/").status_code == 403
        assert client.get(f"/properties/{home.pk}/licences/new/").status_code == 403


def test_closing_a_case_ends_memberships_and_the_current_home(
    client: Client, caseworker: StaffProfile, mine: dict[str, int]
) -> None:
    url = f"/households/{mine['household']}/edit/"
    client = signed_in(client, caseworker)
    html = client.post(
        url, {"ward": ward().pk, "status": "closed", **dated("opened_on", 1, 9, 2010)}
    ).content.decode()
    assert errors_of(html) == ["Enter the date the case closed", "Select the reason for closing the case"]
    response = client.post(
        url,
        {
            "ward": ward().pk,
            "status": "closed",
            **dated("opened_on", 1, 9, 2010),
            **dated("closed_on", 1, 6, 2012),
            "closure_reason": "moved_away",
        },
    )
    assert response.status_code == 302
    assert Household.objects.get(pk=mine["household"]).closure_reason == "moved_away"
    assert Membership.objects.get(pk=mine["membership"]).left_on == date(2012, 6, 1)
    assert Residence.objects.get(household=mine["household"]).moved_out == date(2012, 6, 1)

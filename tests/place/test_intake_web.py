"""The s208 intake page: one form opens the case with its members, home and placement, or writes nothing."""

import re

from django.test import Client

from households.models import Household, Placement, PlacementType, PlacingAuthority
from taskforce.org.models import Agency, Area, StaffProfile


def dated(name: str, day: int, month: int, year: int) -> dict[str, str]:
    return {f"{name}_day": str(day), f"{name}_month": str(month), f"{name}_year": str(year)}


def errors_of(html: str) -> list[str]:
    return re.findall(r'<li><a href="#[^"]+">([^<]+)</a></li>', html)


def notice(**extra: object) -> dict[str, object]:
    return {
        "case_reference": "MTF-900002",
        "ward": Area.objects.get(gss_code="E05005088").pk,
        "placing_authority": PlacingAuthority.objects.get(gss_code="E09000025").pk,
        "type": PlacementType.objects.get(code="ta-s193").pk,
        "legal_basis": "ha_s193",
        **dated("placed_on", 2, 5, 2011),
        **dated("notification_received_on", 30, 5, 2011),
        "agencies": [Agency.objects.get(code="jcp").pk],
        "address_line_1": "12 Example Terrace",
        "postcode": "ct9 2zz",
        "member_1_given_name": "Ada",
        "member_1_family_name": "Example",
        **dated("member_1_date_of_birth", 2, 1, 1980),
        **extra,
    }


def test_an_s208_notice_opens_a_case_in_one_step(client: Client, caseworker: StaffProfile) -> None:
    client.force_login(caseworker.user)
    assert client.get("/households/new/s208/").status_code == 200
    response = client.post(
        "/households/new/s208/",
        notice(
            member_2_given_name="Ben",
            member_2_family_name="Example",
            member_2_relationship="child",
            **dated("member_2_date_of_birth", 6, 5, 2010),
        ),
    )
    household = Household.objects.get(case_reference="MTF-900002")
    assert response.status_code == 302
    assert response["Location"] == f"/households/{household.pk}/"
    placement = Placement.objects.get(household=household)
    assert placement.placing_authority.name == "London Borough of Newham"
    assert placement.deadline_met() is False  # 28 days after the placement; due within 14
    assert placement.accommodation.postcode == "CT9 2ZZ"
    assert household.memberships.count() == 2


def test_a_bad_member_is_shown_on_its_field_and_nothing_is_written(
    client: Client, caseworker: StaffProfile
) -> None:
    client.force_login(caseworker.user)
    response = client.post("/households/new/s208/", notice(member_1_nino="QQ123456C"))
    assert response.status_code == 200
    assert len(errors_of(response.content.decode())) == 1
    assert 'id="id_member_1_nino-error"' in response.content.decode()
    assert not Household.objects.exists()
    assert not Placement.objects.exists()


def test_only_caseworkers_open_cases_from_notices(client: Client, policy_lead: StaffProfile) -> None:
    client.force_login(policy_lead.user)
    assert client.get("/households/new/s208/").status_code == 403

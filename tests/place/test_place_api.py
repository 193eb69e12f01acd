"""The place endpoints: an s208 notice opens a case through the API, all or nothing; the registers read."""

from datetime import date

from households.models import AgreementSignatory, Household, PlacingAuthority
from taskforce.org.models import Area, StaffProfile
from tests.api.conftest import client_for


def notice(**extra: object) -> dict[str, object]:
    return {
        "case_reference": "MTF-900003",
        "ward": Area.objects.get(gss_code="E05005088").pk,
        "placing_authority": PlacingAuthority.objects.get(gss_code="E07000113").pk,
        "type": "prso",
        "legal_basis": "ha_s193_7aa",
        "placed_on": "2011-04-01",
        "notification_received_on": "2011-04-08",
        "agencies": ["jcp"],
        "address": {"address_line_1": "3 Example Road", "postcode": "CT9 1ZZ"},
        "members": [
            {
                "given_name": "Ada",
                "family_name": "Example",
                "date_of_birth": "1980-01-02",
                "relationship": "head",
            }
        ],
        **extra,
    }


def test_an_s208_notice_opens_a_case_through_the_api(caseworker: StaffProfile) -> None:
    response = client_for(caseworker.user).post("/api/v1/s208-notices/", notice(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["case_reference"] == "MTF-900003"
    assert body["deadline_met"] is True
    household = Household.objects.get(pk=body["household"])
    assert household.placements.get().placing_authority.in_kent


def test_a_bad_member_is_a_400_naming_it_and_nothing_is_written(caseworker: StaffProfile) -> None:
    members = [
        {
            "given_name": "Ada",
            "family_name": "Example",
            "date_of_birth": "1980-01-02",
            "relationship": "head",
        },
        {
            "given_name": "Ben",
            "family_name": "Example",
            "date_of_birth": "2010-01-02",
            "relationship": "child",
            "nino": "QQ123456C",
        },
    ]
    response = client_for(caseworker.user).post(
        "/api/v1/s208-notices/", notice(members=members), format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["members.2.nino"]
    assert not Household.objects.exists()


def test_the_register_publishes_signatories_figures(ward_manager: StaffProfile) -> None:
    AgreementSignatory.objects.create(
        authority=PlacingAuthority.objects.get(gss_code="E09000012"),
        signed_on=date(2011, 1, 1),
        commitments="x",
    )
    rows = client_for(ward_manager.user).get("/api/v1/agreement-signatories/register/").json()
    assert [(r["authority"], r["before"], r["after"]) for r in rows] == [("London Borough of Hackney", 0, 0)]
    kent = client_for(ward_manager.user).get("/api/v1/placing-authorities/?in_kent=true").json()
    assert kent["count"] == 14

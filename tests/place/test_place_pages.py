"""The Margate Agreement register and the maps: who sees what, and what they show."""

from datetime import date

import pytest
from django.test import Client

from households.models import AgreementSignatory, Boundary, PlacingAuthority, PropertyLocation
from taskforce.org.models import AccessLog, Area, StaffProfile
from tests.factories import HazardFindingFactory, LicenceFactory, PlacementFactory, PropertyFactory


def square(x: float, y: float, side: float) -> dict[str, object]:
    ring = [[x, y], [x + side, y], [x + side, y + side], [x, y + side], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def mapped(db: None) -> dict[str, object]:
    """Cliftonville West with two LSOAs, an unlicensed HMO, a licensed one and a home with a Category 1 hazard."""
    ward = Area.objects.get(gss_code="E05005088")
    Boundary.objects.create(area=ward, geometry=square(0, 0, 2000))
    lsoas = []
    for n, x in enumerate((0, 1000)):
        lsoa = Area.objects.create(
            gss_code=f"E0100000{n}", vintage=2011, name=f"Thanet 00{n}A", type="lsoa", parent=ward
        )
        Boundary.objects.create(area=lsoa, geometry=square(x, 0, 1000))
        lsoas.append(lsoa)
    unlicensed = PropertyFactory(is_hmo=True, address_line_1="1 Unlicensed Row")
    licensed = PropertyFactory(is_hmo=True, address_line_1="2 Licensed Row")
    LicenceFactory(property=licensed, starts_on=date(2024, 1, 1), expires_on=date(2028, 12, 31))
    hazard = HazardFindingFactory().inspection.property
    for home, x in ((unlicensed, 200), (licensed, 400), (hazard, 1500)):
        PropertyLocation.objects.create(property=home, easting=x, northing=500, lsoa=lsoas[x > 1000])
    return {"unlicensed": unlicensed, "licensed": licensed, "hazard": hazard}


def test_a_housing_officer_sees_unlicensed_hmos_as_points_with_their_table(
    client: Client, housing_officer: StaffProfile, mapped: dict[str, object]
) -> None:
    housing_officer.wards.set([Area.objects.get(gss_code="E05005088")])
    client.force_login(housing_officer.user)
    page = client.get("/place/maps/unlicensed/").content.decode()
    assert page.count("<circle") == 1
    assert "1 Unlicensed Row" in page
    assert "2 Licensed Row" not in page
    assert AccessLog.objects.filter(user=housing_officer.user).exists()
    hazards = client.get("/place/maps/hazards/").content.decode()
    assert hazards.count("<circle") == 1


def test_a_policy_lead_sees_lsoa_aggregates_only_with_small_counts_suppressed(
    client: Client, policy_lead: StaffProfile, mapped: dict[str, object]
) -> None:
    client.force_login(policy_lead.user)
    page = client.get("/place/maps/hmos/").content.decode()
    assert "<circle" not in page
    assert "Unlicensed Row" not in page
    assert "[c]" in page
    assert "Thanet 000A" in page


def test_caseworkers_have_no_maps(client: Client, caseworker: StaffProfile) -> None:
    client.force_login(caseworker.user)
    assert client.get("/place/maps/").status_code == 403


def test_the_register_lists_signatories_and_their_placements_before_and_after(
    client: Client, ward_manager: StaffProfile
) -> None:
    hackney = PlacingAuthority.objects.get(gss_code="E09000012")
    AgreementSignatory.objects.create(
        authority=hackney, signed_on=date(2011, 1, 1), commitments="No placements."
    )
    for month in range(1, 13):
        PlacementFactory(placing_authority=hackney, placed_on=date(2010, month, 1))
    PlacementFactory(placing_authority=hackney, placed_on=date(2012, 1, 1))
    client.force_login(ward_manager.user)
    page = client.get("/place/agreement/").content.decode()
    assert "London Borough of Hackney" in page
    assert "No placements." in page
    assert page.count("<svg") == 2
    # 12 placements before signing publish as 10 (nearest 5); the one after is suppressed.
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">10</td>' in page
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">[c]</td>' in page


def test_a_ward_manager_records_a_signatory(client: Client, ward_manager: StaffProfile) -> None:
    client.force_login(ward_manager.user)
    medway = PlacingAuthority.objects.get(gss_code="E06000035")
    response = client.post(
        "/place/agreement/sign/",
        {
            "authority": medway.pk,
            "signed_on_day": "3",
            "signed_on_month": "4",
            "signed_on_year": "2012",
            "commitments": "To agree every placement with the task force first.",
        },
    )
    assert response.status_code == 302
    assert AgreementSignatory.objects.get().authority == medway


def test_only_ward_managers_record_signatories(client: Client, policy_lead: StaffProfile) -> None:
    client.force_login(policy_lead.user)
    assert client.get("/place/agreement/").status_code == 200
    assert client.get("/place/agreement/sign/").status_code == 403


def test_the_pack_compares_signatories_with_non_signatories_through_the_disclosure_rules(db: None) -> None:
    from outcomes.evidence.place import place_section

    hackney = PlacingAuthority.objects.get(gss_code="E09000012")
    AgreementSignatory.objects.create(authority=hackney, signed_on=date(2011, 1, 1), commitments="x")
    for day in range(1, 13):  # 12 late notices by a non-signatory, 11 on time by the signatory
        PlacementFactory(
            placing_authority=PlacingAuthority.objects.get(gss_code="E09000025"),
            placed_on=date(2011, 3, day),
            notification_received_on=date(2011, 5, 1),
        )
    for day in range(1, 12):
        PlacementFactory(
            placing_authority=hackney, placed_on=date(2011, 3, day), notification_received_on=date(2011, 3, 5)
        )
    section = place_section()
    compliance = next(t for t in section.tables if t.slug == "place-agreement-compliance")
    rows = {row[0]: row for row in compliance.rows}
    assert rows["Non-signatories"][1:5] == (0, 10, 0, 10)  # on time, late, missing, due; rounded to 5
    assert rows["Signatories, after signing"][1:5] == (10, 0, 0, 10)
    assert rows["Signatories, after signing"][5] == 100.0
    assert {t.slug for t in section.tables} == {
        "place-agreement-compliance",
        "place-agreement",
        "place-turnover",
    }
    assert len(section.charts) == 3

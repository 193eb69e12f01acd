"""The place imports: s208 notices opening cases, ONS boundaries (GeoJSON) and OS Open UPRN locations."""

import json
from pathlib import Path
from typing import Any

import pytest

from households.models import Boundary, Household, Placement, PropertyLocation
from imports.core import run_import
from imports.kinds import kind_for
from taskforce.org.models import Area, StaffProfile
from tests.factories import PropertyFactory

HEADER = (
    "case_reference,ward,placing_authority,type,legal_basis,placed_on,notification_received_on,agencies,"
    "uprn,address_line_1,address_line_2,postcode,given_name,family_name,date_of_birth,nino,relationship\n"
)
NOTICE = "MTF-900001,E05005088,E09000012,ta-s188,ha_s188,2011-03-01,2011-03-10,kcc tdc,,1 Sea View,,CT9 1AA,"


def _notices(*members: str) -> bytes:
    return (HEADER + "".join(NOTICE + m + "\n" for m in members)).encode()


def test_an_s208_notice_opens_the_case_with_its_members_home_and_placement(caseworker: StaffProfile) -> None:
    data = _notices("Ada,Example,1980-01-02,,head", "Ben,Example,2010-05-06,,child")
    report = run_import(kind_for("s208-notices", user=caseworker.user), data)
    assert report.ok, report.problems
    household = Household.objects.get(case_reference="MTF-900001")
    assert household.opened_on.isoformat() == "2011-03-10"
    assert sorted(household.memberships.values_list("relationship", flat=True)) == ["child", "head"]
    placement = Placement.objects.get(household=household)
    assert placement.placing_authority.name == "London Borough of Hackney"
    assert placement.accommodation is not None
    assert placement.accommodation.postcode == "CT9 1AA"
    assert placement.deadline_met() is True
    assert household.residences.get().property == placement.accommodation


def test_a_bad_member_writes_nothing_and_names_the_row(caseworker: StaffProfile) -> None:
    data = _notices("Ada,Example,1980-01-02,,head", "Ben,Example,2010-05-06,QQ123456C,child")
    report = run_import(kind_for("s208-notices", user=caseworker.user), data)
    assert not report.ok
    assert [(p.row, p.column) for p in report.problems] == [(3, "nino")]
    assert not Household.objects.filter(case_reference="MTF-900001").exists()


def test_a_notice_needs_one_head_and_a_local_authority(caseworker: StaffProfile) -> None:
    two_heads = run_import(
        kind_for("s208-notices", user=caseworker.user),
        _notices("Ada,Example,1980-01-02,,head", "Bo,Example,1981-01-02,,head"),
    )
    assert [p.rule for p in two_heads.problems] == ["a notice needs exactly one head; it has 2"]
    jobcentre = run_import(
        kind_for("s208-notices", user=caseworker.user),
        _notices("Ada,Example,1980-01-02,,head").replace(b"E09000012", b"Jobcentre Plus"),
    )
    assert [(p.column, p.value) for p in jobcentre.problems] == [("placing_authority", "Jobcentre Plus")]
    assert not Household.objects.exists()


def _collection(*features: dict[str, Any], crs: str | None = "urn:ogc:def:crs:EPSG::27700") -> bytes:
    doc: dict[str, Any] = {"type": "FeatureCollection", "features": list(features)}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(doc).encode()


def _square(props: dict[str, str], x: float, y: float, side: float = 1000) -> dict[str, Any]:
    ring = [[x, y], [x + side, y], [x + side, y + side], [x, y + side], [x, y]]
    return {"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def test_ward_and_lsoa_boundaries_are_imported_and_an_lsoa_created_in_its_ward(
    ward_manager: StaffProfile,
) -> None:
    data = _collection(
        _square({"WD11CD": "E05005088", "WD11NM": "Cliftonville West"}, 635000, 170000, 2000),
        _square({"LSOA11CD": "E01024480", "LSOA11NM": "Thanet 001A"}, 635100, 170100, 500),
    )
    report = run_import(kind_for("boundaries", user=ward_manager.user), data)
    assert report.ok, report.problems
    assert (report.created, report.rows) == (2, 2)
    lsoa = Area.objects.get(gss_code="E01024480")
    assert (lsoa.type, lsoa.vintage, lsoa.parent.gss_code) == ("lsoa", 2011, "E05005088")
    again = run_import(kind_for("boundaries", user=ward_manager.user), data)
    assert (again.created, again.unchanged) == (0, 2)


def test_longitude_and_latitude_are_converted_to_the_national_grid(ward_manager: StaffProfile) -> None:
    report = run_import(
        kind_for("boundaries", user=ward_manager.user),
        _collection(_square({"WD11CD": "E05005088"}, 1.38, 51.385, 0.01), crs=None),
    )
    assert report.ok, report.problems
    x, y = Boundary.objects.get().geometry["coordinates"][0][0]
    assert 633_000 < x < 637_000
    assert 170_000 < y < 173_000


def test_bad_boundaries_are_row_errors_and_nothing_is_written(ward_manager: StaffProfile) -> None:
    bow_tie = {
        "type": "Feature",
        "properties": {"WD11CD": "E05005093"},
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[635e3, 170e3], [636e3, 171e3], [636e3, 170e3], [635e3, 171e3], [635e3, 170e3]]],
        },
    }
    report = run_import(
        kind_for("boundaries", user=ward_manager.user),
        _collection(
            _square({"WD11CD": "E05005088"}, 635000, 170000),
            bow_tie,
            _square({"WD11CD": "E05999999"}, 635000, 170000),
            _square({"WD11CD": "E05005088"}, 1.3, 51.3, 0.01),
        ),
    )
    rules = {(p.row, p.column): p.rule for p in report.problems}
    assert rules[(2, "geometry")].startswith("invalid geometry: Self-intersection")
    assert rules[(3, "code")].startswith("unknown code")
    assert "not British National Grid metres" in rules[(4, "geometry")]
    assert not Boundary.objects.exists()


def test_a_file_in_another_crs_is_refused(ward_manager: StaffProfile) -> None:
    report = run_import(
        kind_for("boundaries", user=ward_manager.user),
        _collection(_square({"WD11CD": "E05005088"}, 0, 0), crs="urn:ogc:def:crs:EPSG::3857"),
    )
    assert [p.rule.split(":")[0] for p in report.problems] == ["Wrong CRS"]


def test_homes_are_located_from_grid_or_latitude_and_longitude(housing_officer: StaffProfile) -> None:
    ward = Area.objects.get(gss_code="E05005088")
    housing_officer.wards.set([ward])
    a, b = PropertyFactory(uprn=100062081001, area=ward), PropertyFactory(uprn=100062081002, area=ward)
    data = (
        b"UPRN,X_COORDINATE,Y_COORDINATE,LATITUDE,LONGITUDE\n"
        b"100062081001,635500.0,170500.0,,\n"
        b"100062081002,,,51.3880,1.3850\n"
        b"999999999999,1.0,2.0,,\n"
    )
    report = run_import(kind_for("property-locations", user=housing_officer.user), data)
    assert report.ok, report.problems
    assert (report.created, report.unchanged) == (2, 1)
    assert (a.location.easting, a.location.northing) == (635500.0, 170500.0)
    b_location = PropertyLocation.objects.get(property=b)
    assert 635_000 < b_location.easting < 637_000


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("100062081001,abc,170500,,", "x_coordinate"),
        ("100062081001,635500,9999999,,", "x_coordinate"),
        ("100062081001,,,40.0,1.0", "latitude"),
        ("100062081001,,,,", "x_coordinate"),
    ],
)
def test_bad_coordinates_are_refused_by_column(housing_officer: StaffProfile, row: str, column: str) -> None:
    data = f"uprn,x_coordinate,y_coordinate,latitude,longitude\n{row}\n".encode()
    report = run_import(kind_for("property-locations", user=housing_officer.user), data)
    assert [p.column for p in report.problems] == [column]


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_the_place_example_files_import(ward_manager: StaffProfile) -> None:
    for n, uprn in enumerate((900000001, 900000002)):
        PropertyFactory(uprn=uprn, area=Area.objects.get(gss_code=("E05005088", "E05005093")[n]))
    user = ward_manager.user
    boundaries = run_import(kind_for("boundaries", user=user), (EXAMPLES / "boundaries.geojson").read_bytes())
    assert (boundaries.ok, boundaries.created) == (True, 3), boundaries.problems
    located = run_import(
        kind_for("property-locations", user=user), (EXAMPLES / "property-locations.csv").read_bytes()
    )
    assert (located.ok, located.created, located.unchanged) == (True, 2, 1), located.problems
    assert PropertyLocation.objects.get(property__uprn=900000001).lsoa.gss_code == "E01024480"
    notices = run_import(kind_for("s208-notices", user=user), (EXAMPLES / "s208-notices.csv").read_bytes())
    assert (notices.ok, notices.created) == (True, 1), notices.problems

"""Designations, derived licence status, enforcement dates and the public register through the API."""

from datetime import date

import pytest

from taskforce.org.models import StaffProfile
from tests.api.conftest import client_for
from tests.factories import EnforcementActionFactory, LicenceFactory, PropertyFactory, ward

pytestmark = pytest.mark.django_db


def test_housing_officer_records_and_changes_a_designation(
    housing_officer: StaffProfile, caseworker: StaffProfile
) -> None:
    api = client_for(housing_officer.user)
    body = {
        "name": "Margate additional licensing",
        "scheme": "additional",
        "wards": [ward().pk, ward("E05005093").pk],
        "starts_on": "2026-07-01",
        "ends_on": "2031-07-02",
    }
    refused = api.post("/api/v1/designations/", body, format="json")
    assert refused.status_code == 400
    assert "at most 5 years" in refused.json()["ends_on"][0]
    created = api.post("/api/v1/designations/", {**body, "ends_on": "2031-06-30"}, format="json")
    assert created.status_code == 201
    designation = created.json()
    assert sorted(designation["wards"]) == sorted([ward().pk, ward("E05005093").pk])
    url = f"/api/v1/designations/{designation['id']}/"
    etag = api.get(url)["ETag"]
    changed = api.patch(url, {"wards": [ward().pk]}, format="json", HTTP_IF_MATCH=etag)
    assert changed.status_code == 200
    assert changed.json()["wards"] == [ward().pk]
    # Any member of staff reads them; only housing officers write them.
    assert client_for(caseworker.user).get(url).status_code == 200
    assert client_for(caseworker.user).post("/api/v1/designations/", body, format="json").status_code == 403


def test_licence_status_is_derived_read_only_and_filterable(housing_officer: StaffProfile) -> None:
    home = PropertyFactory()
    LicenceFactory(property=home, number="OLD")  # 2010 to 2015
    LicenceFactory(property=home, number="NOW", starts_on=date(2024, 1, 1), expires_on=date(2028, 12, 31))
    LicenceFactory(
        property=home,
        number="GONE",
        starts_on=date(2024, 1, 1),
        expires_on=date(2028, 12, 31),
        revoked_on=date(2026, 1, 1),
    )
    api = client_for(housing_officer.user)
    statuses = {r["number"]: r["status"] for r in api.get("/api/v1/licences/").json()["results"]}
    assert statuses == {"OLD": "expired", "NOW": "in_force", "GONE": "revoked"}
    assert [r["number"] for r in api.get("/api/v1/licences/?status=in_force").json()["results"]] == ["NOW"]
    assert api.get("/api/v1/licences/?status=granted").status_code == 400


def test_enforcement_carries_its_compliance_and_statutory_appeal_dates(housing_officer: StaffProfile) -> None:
    action = EnforcementActionFactory(
        type="prohibition_order", served_on=date(2026, 6, 1), comply_by=date(2026, 7, 1)
    )
    data = client_for(housing_officer.user).get(f"/api/v1/enforcement-actions/{action.pk}/").json()
    assert (data["comply_by"], data["appeal_by"]) == ("2026-07-01", "2026-06-28")


def test_the_public_register_needs_no_sign_in_and_ignores_a_bad_token() -> None:
    LicenceFactory(number="REG", starts_on=date(2024, 1, 1), expires_on=date(2028, 12, 31))
    anonymous = client_for(None)
    assert anonymous.get("/api/v1/public-register/").json()["count"] == 1
    anonymous.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert anonymous.get("/api/v1/public-register/").status_code == 200
    assert anonymous.post("/api/v1/public-register/", {}).status_code == 405

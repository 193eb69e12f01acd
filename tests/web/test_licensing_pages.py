"""The licensing pages: the property page's flags, the property filters, the work queue and housing
dashboard (housing roles only), and the s232 public register, open without signing in. The suite's clock is
15 June 2026."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from households.models import Hazard, HazardFinding, LicensingDesignation
from taskforce.org.models import StaffProfile
from tests.factories import (
    DesignationFactory,
    EnforcementActionFactory,
    HazardFindingFactory,
    HouseholdFactory,
    LicenceFactory,
    MembershipFactory,
    PersonFactory,
    PropertyFactory,
    ResidenceFactory,
    ward,
)

from .conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> None:
    cache.clear()


def crowded_hmo(address: str, *, households: int = 2, people_each: int = 3, family_name: str = "Tenant"):  # type: ignore[no-untyped-def]
    home = PropertyFactory(is_hmo=True, address_line_1=address)
    for _ in range(households):
        household = HouseholdFactory()
        ResidenceFactory(household=household, property=home, moved_in=date(2025, 1, 1))
        for _ in range(people_each):
            MembershipFactory(
                household=household, joined_on=date(2025, 1, 1), person=PersonFactory(family_name=family_name)
            )
    return home


def in_force(home, **fields):  # type: ignore[no-untyped-def]
    return LicenceFactory(property=home, starts_on=date(2024, 1, 1), expires_on=date(2028, 12, 31), **fields)


def test_the_property_page_flags_an_hmo_with_no_licence_in_force_and_shows_derived_statuses(
    client: Client, housing_officer: StaffProfile
) -> None:
    home = crowded_hmo("1 Flag Row")
    LicenceFactory(property=home, number="OLD/1")  # 2010 to 2015: expired
    LicenceFactory(
        property=home,
        number="GONE/1",
        starts_on=date(2020, 1, 1),
        expires_on=date(2024, 12, 31),
        revoked_on=date(2022, 3, 4),
    )
    html = signed_in(client, housing_officer).get(f"/properties/{home.pk}/").content.decode()
    assert "Unlicensed: this home needs a mandatory HMO licence and has no licence in force." in html
    assert "Expired</strong>" in html
    assert "Revoked</strong> 4 Mar 2022" in html
    in_force(home, max_occupiers=6)
    html = client.get(f"/properties/{home.pk}/").content.decode()
    assert "Unlicensed" not in html
    assert "In force</strong>" in html
    assert "This home needs a mandatory HMO licence, and has one in force." in html


def test_a_remedied_hazard_offers_no_enforcement_action(
    client: Client, housing_officer: StaffProfile
) -> None:
    open_one = HazardFindingFactory()
    home = open_one.inspection.property
    remedied = HazardFindingFactory(
        inspection=open_one.inspection,
        hazard=Hazard.objects.get(number=2),
        status=HazardFinding.Status.REMEDIED,
        remedied_on=date(2011, 8, 1),
    )
    client = signed_in(client, housing_officer)
    html = client.get(f"/properties/{home.pk}/").content.decode()
    assert f"/hazards/{open_one.pk}/enforcement/new/" in html
    assert f"/hazards/{remedied.pk}/enforcement/new/" not in html
    assert client.get(f"/properties/{home.pk}/hazards/{remedied.pk}/enforcement/new/").status_code == 404


def test_properties_filter_by_licensing_licence_status_hazard_and_ward(
    client: Client, housing_officer: StaffProfile
) -> None:
    unlicensed = crowded_hmo("1 Needs Street")
    licensed = crowded_hmo("2 Licensed Street")
    in_force(licensed, max_occupiers=6)
    plain = PropertyFactory(address_line_1="3 Plain Street")
    HazardFindingFactory(inspection__property=plain, score=1500)
    client = signed_in(client, housing_officer)

    def listed(query: str) -> list[str]:
        html = client.get(f"/properties/?{query}").content.decode()
        return [a for a in ("1 Needs Street", "2 Licensed Street", "3 Plain Street") if a in html]

    assert listed("licensing=needs") == ["1 Needs Street", "2 Licensed Street"]
    assert listed("licensing=unlicensed") == ["1 Needs Street"]
    assert listed("licence_status=in_force") == ["2 Licensed Street"]
    assert listed("licence_status=none") == ["1 Needs Street", "3 Plain Street"]
    assert listed("hazard=category_1") == ["3 Plain Street"]
    assert listed(f"ward={unlicensed.area_id}") == ["1 Needs Street", "2 Licensed Street", "3 Plain Street"]
    assert "Unlicensed</strong>" in client.get("/properties/").content.decode()


def test_the_work_queue_lists_each_kind_of_work(
    client: Client, housing_officer: StaffProfile, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    crowded_hmo("1 Unlicensed Row")
    over = crowded_hmo("2 Crowded Row", households=3)
    in_force(over, max_occupiers=6, max_households=2)
    soon = in_force(PropertyFactory(address_line_1="3 Expiring Row"), number="SOON/1")
    soon.expires_on = date(2026, 8, 1)
    soon.save()
    EnforcementActionFactory(
        property=PropertyFactory(address_line_1="4 Overdue Row"),
        served_on=date(2026, 1, 5),
        comply_by=date(2026, 5, 1),
    )
    EnforcementActionFactory(
        property=PropertyFactory(address_line_1="5 Appeal Row"), served_on=date(2026, 6, 1), status="appealed"
    )
    client = signed_in(client, housing_officer)
    # Pinned: each of the five lists is one query (a second only counts a list longer than 50), besides
    # the session, the role checks, the access-log row and the page's transaction.
    with django_assert_num_queries(16):
        html = client.get("/licensing/").content.decode()
    for section, address in (
        ("unlicensed", "1 Unlicensed Row"),
        ("over-occupied", "2 Crowded Row"),
        ("expiring", "3 Expiring Row"),
        ("overdue", "4 Overdue Row"),
        ("appeals", "5 Appeal Row"),
    ):
        start = html.index(f'id="{section}"')
        assert address in html[start : html.index("</table>", start)], section
    assert "9 (6)" in html
    assert "3 (2)" in html
    assert "21 Jun 2026" in html  # the improvement notice's 21-day appeal period


def test_the_housing_dashboard_is_for_housing_roles_with_exact_counts_per_ward(
    client: Client, housing_officer: StaffProfile, caseworker: StaffProfile, policy_lead: StaffProfile
) -> None:
    crowded_hmo("1 Unlicensed Row")
    DesignationFactory()
    assert signed_in(client, caseworker).get("/licensing/dashboard/").status_code == 403
    assert signed_in(Client(), policy_lead).get("/licensing/").status_code == 403
    html = signed_in(Client(), housing_officer).get("/licensing/dashboard/").content.decode()
    assert "Cliftonville West" in html
    assert 'licensing=unlicensed">1</a>' in html  # one, shown as it is: an operational count
    assert signed_in(Client(), housing_officer).get("/licensing/designations/").status_code == 200


def test_the_public_register_is_open_signed_out_and_carries_only_the_statutory_fields(client: Client) -> None:
    home = crowded_hmo("7 Register Road", family_name="Secretname")
    in_force(
        home,
        number="REG/1",
        holder="Holder Ltd",
        manager="Agent Ltd",
        conditions="Smoke alarms on every floor",
    )
    LicenceFactory(number="OLD/9")  # expired: not on the register
    LicenceFactory(
        number="PEND/1", decision="pending", starts_on=date(2026, 1, 1), expires_on=date(2030, 1, 1)
    )
    response = client.get("/public-register/")
    assert response.status_code == 200
    html = response.content.decode()
    for shown in (
        "REG/1",
        "Holder Ltd",
        "Managed by Agent Ltd",
        "7 Register Road",
        "Smoke alarms on every floor",
    ):
        assert shown in html
    for hidden in ("OLD/9", "PEND/1", "Secretname", "Sign out"):
        assert hidden not in html
    rows = list(csv.DictReader(io.StringIO(client.get("/public-register/?format=csv").content.decode())))
    assert rows == [
        {
            "licence_number": "REG/1",
            "scheme": "Mandatory HMO",
            "holder": "Holder Ltd",
            "manager": "Agent Ltd",
            "address": "7 Register Road, Margate",
            "postcode": "CT9 2AB",
            "starts_on": "2024-01-01",
            "expires_on": "2028-12-31",
            "permitted_occupiers": "6",
            "permitted_households": "3",
            "conditions": "Smoke alarms on every floor",
        }
    ]
    api = client.get("/api/v1/public-register/").json()
    assert [r["licence_number"] for r in api["results"]] == ["REG/1"]
    assert set(api["results"][0]) == set(rows[0]) | {"ward"}


def test_the_public_register_is_rate_limited(client: Client) -> None:
    # The clock stands still, so the requests all fall in one minute's window.
    with time_machine.travel(datetime(2026, 6, 15, 12, 0, 1, tzinfo=UTC), tick=False):
        limited_after_sixty(client)


def limited_after_sixty(client: Client) -> None:
    for _ in range(60):
        assert client.get("/public-register/").status_code == 200
    limited = client.get("/public-register/")
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    assert client.get("/api/v1/public-register/").status_code == 429
    # Another address has its own allowance.
    assert client.get("/public-register/", REMOTE_ADDR="192.0.2.7").status_code == 200


def dated(name: str, day: int, month: int, year: int) -> dict[str, str]:
    return {f"{name}_day": str(day), f"{name}_month": str(month), f"{name}_year": str(year)}


def test_housing_officer_records_and_changes_a_designation(
    client: Client, housing_officer: StaffProfile, ward_manager: StaffProfile
) -> None:
    assert signed_in(Client(), ward_manager).get("/licensing/designations/new/").status_code == 403
    client = signed_in(client, housing_officer)
    form = {
        "name": "Margate additional licensing 2026",
        "scheme": "additional",
        "wards": [ward().pk, ward("E05005093").pk],
        **dated("starts_on", 1, 7, 2026),
        **dated("ends_on", 2, 7, 2031),
    }
    html = client.post("/licensing/designations/new/", form).content.decode()
    assert "A designation lasts at most 5 years" in html
    assert not LicensingDesignation.objects.exists()
    form |= dated("ends_on", 30, 6, 2031)
    assert client.post("/licensing/designations/new/", form).status_code == 302
    designation = LicensingDesignation.objects.get()
    assert sorted(designation.wards.values_list("gss_code", flat=True)) == ["E05005088", "E05005093"]
    page = client.get(f"/licensing/designations/{designation.pk}/edit/").content.decode()
    assert 'value="Margate additional licensing 2026"' in page
    form |= {"wards": [ward().pk]}
    assert client.post(f"/licensing/designations/{designation.pk}/edit/", form).status_code == 302
    assert list(designation.wards.values_list("gss_code", flat=True)) == ["E05005088"]
    assert "Not yet in force" in client.get("/licensing/designations/").content.decode()

"""Ward dashboards: who sees which wards, what every chart carries, and that every count is published."""

import csv
import io
import re
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from households.models import Household, Inspection, Membership, Person
from outcomes import dashboards
from outcomes.dashboards.access import Filters, dashboard_access, filters_from
from outcomes.dashboards.facts import data_version, versions
from outcomes.dashboards.panel import BarChart, Panel
from outcomes.disclosure import SUPPRESSED
from outcomes.tables import Column
from taskforce.org.models import StaffProfile

from ..factories import StaffProfileFactory, UserFactory, ward

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo")]

WARDS = ("E05005088", "E05005093")


@pytest.fixture(autouse=True)
def _single_factor(settings) -> None:  # type: ignore[no-untyped-def]
    """Two-factor sign-in has its own tests; these are about what each role sees once signed in."""
    settings.TASKFORCE_REQUIRE_2FA = False


def client_for(profile: StaffProfile) -> Client:
    client = Client()
    client.force_login(profile.user)
    return client


def count_cells(panel: Panel) -> list:  # type: ignore[type-arg]
    return [v for row in panel.rows for v, c in zip(row, panel.columns, strict=True) if c.kind == "count"]


def test_a_ward_manager_sees_every_chart_for_their_wards(ward_manager: StaffProfile) -> None:
    response = client_for(ward_manager).get(reverse("outcomes:dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    for slug in dashboards.PANELS:
        assert f'id="{slug}"' in page
        assert reverse("outcomes:dashboard_csv", args=[slug]) in page
    # Each chart is inline SVG with a title and a description, and a table beside it.
    charts = re.findall(r'<svg[^>]*class="chart".*?</svg>', page, flags=re.S)
    assert len(charts) == len(dashboards.PANELS)
    for chart in charts:
        assert 'role="img"' in chart
        assert "<title id=" in chart
        assert "<desc id=" in chart
    assert page.count('<table class="govuk-table') == len(dashboards.PANELS)
    assert "Cliftonville West and Margate Central" in page


def test_charts_carry_no_inline_style_for_the_content_security_policy(ward_manager: StaffProfile) -> None:
    page = client_for(ward_manager).get(reverse("outcomes:dashboard")).content.decode()
    svgs = re.findall(r'<svg[^>]*class="chart".*?</svg>', page, flags=re.S)
    assert len(svgs) == len(dashboards.PANELS)
    for svg in svgs:
        assert "style=" not in svg
        assert "<style" not in svg
        assert "<script" not in svg


def test_a_ward_manager_cannot_open_a_ward_that_is_not_theirs(ward_manager: StaffProfile) -> None:
    ward_manager.wards.set([ward("E05005088")])
    access = dashboard_access(ward_manager.user)
    # A foreign or unknown ward falls back to the manager's own wards, never the one asked for.
    for asked in ("E05005093", "E05000001", "<script>"):
        filters = filters_from({"ward": asked}, access)
        assert filters.codes == ("E05005088",)
        assert filters.label == "Cliftonville West"


def test_one_ward_and_a_period_can_be_chosen(ward_manager: StaffProfile) -> None:
    response = client_for(ward_manager).get(
        reverse("outcomes:dashboard"), {"ward": "E05005093", "from": "2008", "to": "2011"}
    )
    filters = response.context["filters"]
    assert (filters.codes, filters.first_year, filters.last_year) == (("E05005093",), 2008, 2011)
    dependency = next(p for p in response.context["panels"] if p.slug == "dependency")
    assert [row[0] for row in dependency.rows] == ["2008", "2009", "2010", "2011"]


def test_a_policy_lead_sees_the_target_wards_and_caseloads_only_by_agency(
    policy_lead: StaffProfile, ward_manager: StaffProfile
) -> None:
    response = client_for(policy_lead).get(reverse("outcomes:dashboard"))
    assert response.status_code == 200
    assert response.context["filters"].codes == WARDS
    caseload = next(p for p in response.context["panels"] if p.slug == "caseload")
    assert caseload.columns[0].label == "Agency"
    workers = StaffProfile.objects.filter(role=StaffProfile.Role.CASEWORKER).select_related("user")
    page = response.content.decode()
    for worker in workers:
        name = worker.user.get_full_name()
        if name:
            assert name not in page


@pytest.mark.parametrize("persona", ["caseworker", "housing_officer", "data_protection_officer"])
def test_other_roles_have_no_dashboards(persona: str, request: pytest.FixtureRequest) -> None:
    profile = request.getfixturevalue(persona)
    client = client_for(profile)
    assert client.get(reverse("outcomes:dashboard")).status_code == 403
    assert client.get(reverse("outcomes:dashboard_csv", args=["dependency"])).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(reverse("outcomes:dashboard"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_every_count_on_every_chart_is_published(ward_manager: StaffProfile) -> None:
    access = dashboard_access(ward_manager.user)
    # The filters the page tests have already drawn, so the charts come from the cache.
    for params in ({}, {"ward": "E05005093", "from": "2008", "to": "2011"}):
        _, panels = dashboards.dashboard_for(access, params)
        for panel in panels:
            for value in count_cells(panel):
                assert value == SUPPRESSED or value % 5 == 0, (panel.slug, value)
                assert value == SUPPRESSED or not 1 <= value <= 9


def test_the_csv_download_is_the_published_table(ward_manager: StaffProfile) -> None:
    response = client_for(ward_manager).get(
        reverse("outcomes:dashboard_csv", args=["interventions"]), {"ward": "E05005088"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "interventions-E05005088-" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Agency: service", "Referred", "Active", "Completed", "Withdrawn", "All"]
    for row in rows[1:]:
        for cell in row[1:]:
            assert cell == SUPPRESSED or int(cell) % 5 == 0


def test_csv_cells_a_spreadsheet_would_run_are_written_as_text(
    ward_manager: StaffProfile, monkeypatch: pytest.MonkeyPatch
) -> None:
    filters = Filters(codes=WARDS, ward="combined", label="x", first_year=2006, last_year=2015)
    columns = (Column("a", "A", "text"), Column("n", "N"))
    chart = BarChart(title="t", categories=['=HYPERLINK("x")'], series={"N": [10.0]}, ylabel="N")
    panel = Panel("dependency", "t", "s", columns, (('=HYPERLINK("x")', 10),), chart)
    monkeypatch.setattr(dashboards, "dashboard_for", lambda access, params: (filters, [panel]))
    response = client_for(ward_manager).get(reverse("outcomes:dashboard_csv", args=["dependency"]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1] == ['\'=HYPERLINK("x")', "10"]


def test_the_dashboard_holds_no_person_level_record(ward_manager: StaffProfile) -> None:
    page = client_for(ward_manager).get(reverse("outcomes:dashboard")).content.decode()
    for reference in Household.objects.values_list("case_reference", flat=True)[:200]:
        assert reference not in page
    for given, family in Person.objects.values_list("given_name", "family_name")[:200]:
        assert f"{given} {family}" not in page


def test_a_second_view_is_served_from_the_cache_with_a_few_queries(
    ward_manager: StaffProfile, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(ward_manager)
    client.get(reverse("outcomes:dashboard"))
    with django_assert_max_num_queries(10):
        assert client.get(reverse("outcomes:dashboard")).status_code == 200


@pytest.mark.parametrize("model", [Household, Membership, Inspection], ids=lambda m: m.__name__)
def test_a_change_to_the_records_refreshes_the_dashboard(ward_manager: StaffProfile, model) -> None:  # type: ignore[no-untyped-def]
    # Memberships decide whose housing benefit a home takes; an inspection's date, when its hazards count.
    before = data_version()
    record = model.objects.first()
    record.save()  # writes a history row, as every change through the services does
    assert data_version() != before
    cache.clear()


def test_the_next_day_is_a_new_version(ward_manager: StaffProfile) -> None:
    # A placement's notice turns from pending to missing the day after it was due: the figures change.
    today = data_version()
    assert data_version() == today
    with time_machine.travel(timezone.now() + timedelta(days=1), tick=False):
        assert data_version() != today


def test_a_caseworker_s_own_staff_profile_is_not_a_route_in(db: None) -> None:
    profile = StaffProfileFactory(
        user=UserFactory(username="quinn"), role=StaffProfile.Role.CASEWORKER, wards=[ward("E05005088")]
    )
    assert dashboard_access(profile.user) is None


def test_charts_stay_inline_svg_once_weasyprint_is_loaded() -> None:
    import weasyprint  # noqa: F401 -- importing it rewrites the XML namespace registry

    from outcomes import charts

    svg = charts.line_chart(
        slug="t", title="Title", description="Summary", x=[2009, 2010], series={"A": [1.0, None]}, ylabel="%"
    )
    assert svg.startswith("<svg ")
    assert "ns0:" not in svg


@pytest.mark.parametrize("member", ["combined", *WARDS])
def test_a_range_of_a_summed_panel_is_the_sum_of_its_single_years(
    ward_manager: StaffProfile, member: str
) -> None:
    """Each count of a panel summed over the years, over 2008-2012, is the sum of the same cell in each
    single year as published alone, and "[c]" where any year shows "[c]" (a row a year lacks counts 0)."""
    access = dashboard_access(ward_manager.user)
    assert access is not None
    figures = dashboards.facts(versions())

    def cells(first: int, last: int, slug: str) -> dict[tuple[object, str], object]:
        cache.clear()  # each view computed afresh: a range re-uses no single year cached by another
        filters = filters_from({"ward": member, "from": first, "to": last}, access, latest_year=2015)
        panel = dashboards.protected_panel(slug, figures, filters, access, version=versions().data)
        keys = [c.key for c in panel.columns]
        return {
            (row[0], key): value
            for row in panel.rows
            for key, value, column in zip(keys, row, panel.columns, strict=True)
            if column.kind == "count"
        }

    shown = 0
    for slug in sorted(dashboards.SUMMED_OVER_YEARS):
        whole = cells(2008, 2012, slug)
        years = [cells(year, year, slug) for year in range(2008, 2013)]
        shown += sum(v not in (0, SUPPRESSED) for v in whole.values())
        for cell, value in whole.items():
            parts = [year.get(cell, 0) for year in years]
            expected = SUPPRESSED if SUPPRESSED in parts else sum(parts)  # type: ignore[arg-type]
            assert value == expected, (slug, member, cell, parts)
    assert shown  # the demo has figures here, not only zeros and hidden cells


@pytest.mark.parametrize("audience", ["manager", "policy"])
def test_single_years_published_as_tables_alone_give_the_panels_built_in_full(
    ward_manager: StaffProfile, policy_lead: StaffProfile, audience: str
) -> None:
    """A range's single years are published through the panels' tables alone (`YEAR_TABLES`), within one
    memo scope: every panel of every range and ward is the one built from each year's full panel, each
    computed from scratch."""
    profile = ward_manager if audience == "manager" else policy_lead
    access = dashboard_access(profile.user)
    assert access is not None
    figures = dashboards.facts(versions())
    for ward_param in ["combined", *(w.gss_code for w in access.wards)]:
        for first, last in ((2006, 2015), (2009, 2011), (2014, 2020)):
            filters = filters_from({"ward": ward_param, "from": first, "to": last}, access, latest_year=2015)
            for slug in sorted(dashboards.SUMMED_OVER_YEARS):
                fast = dashboards.protected_panel(slug, figures, filters, access)
                with mock.patch.dict(dashboards.YEAR_TABLES, clear=True):
                    full = dashboards.protected_panel(slug, figures, filters, access)
                assert repr(fast) == repr(full), (slug, ward_param, first, last)


def test_a_range_re_uses_the_single_years_already_viewed(ward_manager: StaffProfile) -> None:
    """A single year's view keeps its tables in the cache; a range taking it in reads them and shows what
    it shows when computed with nothing cached."""
    access = dashboard_access(ward_manager.user)
    assert access is not None
    found = versions()
    version, figures = found.data, dashboards.facts(found)

    def panel(first: int, last: int, slug: str) -> Panel:
        filters = filters_from({"from": first, "to": last}, access, latest_year=2015)
        return dashboards.protected_panel(slug, figures, filters, access, version=version)

    for slug in sorted(dashboards.SUMMED_OVER_YEARS):
        cache.clear()
        cold = panel(2009, 2012, slug)
        cache.clear()
        for year in range(2009, 2013):
            panel(year, year, slug)
        with mock.patch.object(dashboards, "_one_year", side_effect=AssertionError("recomputed a year")):
            assert repr(panel(2009, 2012, slug)) == repr(cold), slug


def test_workers_who_share_a_name_keep_their_own_caseload_rows(ward_manager: StaffProfile) -> None:
    # Row labels of a published table must be unique: two workers of the same name (or one named as the
    # Total row) are told apart by their usernames, where the table was refused before.
    access = dashboard_access(ward_manager.user)
    _, panels = dashboards.dashboard_for(access, {})
    caseload = next(p for p in panels if p.slug == "caseload")
    shown = [row[0] for row in caseload.rows[:-1]]
    profiles = {p.user.get_full_name(): p for p in StaffProfile.objects.select_related("user")}
    first, second, third = (profiles[name].user for name in shown[:3])
    for user, (given, family) in zip(
        (first, second, third), [("Sam", "Smith"), ("Sam", "Smith"), ("Total", "")], strict=True
    ):
        user.first_name, user.last_name = given, family
        user.save()
    cache.clear()
    _, panels = dashboards.dashboard_for(access, {})
    labels = [row[0] for row in next(p for p in panels if p.slug == "caseload").rows]
    assert f"Sam Smith ({first.username})" in labels
    assert f"Sam Smith ({second.username})" in labels
    assert f"Total ({third.username})" in labels
    assert labels[-1] == "Total"
    assert labels.count("Total") == 1
    cache.clear()

"""Aggregates under /api/v1/aggregates/: the dashboards' tables, published, for ward managers and policy leads."""

import csv
import io
from collections.abc import Iterator
from datetime import date

import numpy as np
import pytest
from django.core.cache import cache

from households.models import Household
from interventions.models import Intervention
from outcomes import dashboards
from outcomes.dashboards.access import Filters
from outcomes.dashboards.casework import INTERVENTION_STATUSES
from outcomes.dashboards.panel import BarChart, Panel
from outcomes.disclosure import SUPPRESSED
from outcomes.tables import Column
from taskforce.org.models import Area, StaffProfile
from tests.api.conftest import client_for
from tests.factories import (
    AreaStatisticFactory,
    HouseholdFactory,
    InterventionFactory,
    ServiceFactory,
    StaffProfileFactory,
    UserFactory,
    agency,
    ward,
)

pytestmark = pytest.mark.django_db

CLIFTONVILLE, CENTRAL, KENT = "E05005088", "E05005093", "E10000016"
STATUSES = list(INTERVENTION_STATUSES)


@pytest.fixture(autouse=True)
def _fresh_dashboards() -> Iterator[None]:
    """The dashboards' cache is keyed on a fingerprint of the data; ids reused after a rollback could match."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _a_going_concern(db: None) -> None:
    """What any installation holds besides the records a test plants: a year of Kent's published figures,
    and in each ward a case open since 2006 with its key worker."""
    kent = Area.objects.get(gss_code=KENT)
    for month in range(1, 13):
        for measure, value in (("out_of_work_claimants", 90_000), ("working_age_population", 900_000)):
            AreaStatisticFactory(area=kent, measure=measure, value=value, period_start=date(2011, month, 1))
    worker = StaffProfileFactory(
        user=UserFactory(username="kim", first_name="Kim", last_name="Keyworker"),
        wards=[ward(CLIFTONVILLE), ward(CENTRAL)],
    )
    for code in (CLIFTONVILLE, CENTRAL):
        HouseholdFactory(ward=ward(code), opened_on=date(2006, 1, 1), key_worker=worker)


def interventions(household: Household, service_args: dict[str, str], **by_status: int) -> None:
    service = ServiceFactory(agency=agency(service_args["agency"]), name=service_args["name"])
    for status, n in by_status.items():
        started = None if status == "referred" else date(2011, 4, 1)
        ended = date(2011, 6, 1) if status in {"completed", "withdrawn"} else None
        for _ in range(n):
            InterventionFactory(
                household=household,
                service=service,
                referred_on=date(2011, 3, 1),
                started_on=started,
                ended_on=ended,
                status=status,
            )


@pytest.fixture
def planted() -> dict[str, str]:
    """Interventions referred in 2011 in Cliftonville West, by service and status:

    | service  | referred | active | completed |
    | work     |        3 |     12 |        20 |
    | housing  |       12 |     12 |         0 |
    | safety   |        0 |      0 |        12 |
    """
    household = HouseholdFactory(ward=ward(CLIFTONVILLE))
    services = {
        "work": {"agency": "jcp", "name": "Work coach"},
        "housing": {"agency": "tdc", "name": "Housing options"},
        "safety": {"agency": "police", "name": "Community safety"},
    }
    interventions(household, services["work"], referred=3, active=12, completed=20)
    interventions(household, services["housing"], referred=12, active=12)
    interventions(household, services["safety"], completed=12)
    return {key: f"{agency(s['agency']).name}: {s['name']}" for key, s in services.items()}


def table(user: object, slug: str, **params: object) -> dict:  # type: ignore[type-arg]
    response = client_for(user).get(f"/api/v1/aggregates/{slug}/", params)  # type: ignore[arg-type]
    assert response.status_code == 200, response.content
    return response.json()


def by_row(data: dict, key: str) -> dict:  # type: ignore[type-arg]
    return {row[key]: row for row in data["rows"]}


def derivable(cells: dict[tuple[str, str], object]) -> list[tuple[str, str]]:
    """Suppressed cells whose value follows from the row and column totals and the published cells, even
    for someone who knew the published cells exactly (before rounding): a cell is determined when its unit
    vector lies in the row space of the totals' equations over the suppressed cells."""
    rows = sorted({r for r, _ in cells} - {"Total"})
    columns = STATUSES
    unknown = sorted(cell for cell, v in cells.items() if v == SUPPRESSED)
    index = {cell: i for i, cell in enumerate(unknown)}
    lines = [[(r, c) for c in columns] + [(r, "total")] for r in [*rows, "Total"]]
    lines += [[(r, c) for r in rows] + [("Total", c)] for c in [*columns, "total"]]
    equations = []
    for line in lines:
        *parts, total = line
        coefficients = np.zeros(len(unknown))
        for cell, sign in [*((p, 1.0) for p in parts), (total, -1.0)]:
            if cell in index:
                coefficients[index[cell]] += sign
        if coefficients.any():
            equations.append(coefficients)
    if not equations:
        return unknown
    system = np.array(equations)
    rank = np.linalg.matrix_rank(system)
    unit = np.eye(len(unknown))
    return [cell for cell, i in index.items() if np.linalg.matrix_rank(np.vstack([system, unit[i]])) == rank]


def test_a_count_of_3_is_suppressed_and_12_is_rounded_to_10(
    ward_manager: StaffProfile, planted: dict[str, str]
) -> None:
    data = table(ward_manager.user, "interventions", ward=CLIFTONVILLE, **{"from": 2011, "to": 2011})
    rows = by_row(data, "service")
    assert rows[planted["work"]]["referred"] == SUPPRESSED
    assert rows[planted["safety"]]["completed"] == 10
    assert rows[planted["work"]]["completed"] == 20
    assert rows["Total"]["total"] == 70  # 71 interventions
    assert [c["key"] for c in data["columns"]] == ["service", *STATUSES, "total"]
    assert (data["ward"], data["first_year"], data["last_year"]) == (CLIFTONVILLE, 2011, 2011)
    assert data["wards"] == [{"gss_code": CLIFTONVILLE, "name": "Cliftonville West"}]


def test_no_suppressed_cell_can_be_recovered_from_the_totals(
    policy_lead: StaffProfile, planted: dict[str, str]
) -> None:
    data = table(policy_lead.user, "interventions", ward=CLIFTONVILLE, **{"from": 2011, "to": 2011})
    cells = {(row["service"], key): row[key] for row in data["rows"] for key in [*STATUSES, "total"]}
    suppressed = [cell for cell, v in cells.items() if v == SUPPRESSED]
    # The 3 alone in its row and column would follow from either total: more cells are suppressed with it.
    assert (planted["work"], "referred") in suppressed
    assert len(suppressed) >= 4
    assert derivable(cells) == []


def test_a_rate_over_fewer_than_10_households_is_not_shown(ward_manager: StaffProfile) -> None:
    for _ in range(4):
        HouseholdFactory(
            ward=ward(CLIFTONVILLE), opened_on=date(2007, 1, 1), status="closed", closed_on=date(2008, 6, 30)
        )
    for _ in range(12):
        HouseholdFactory(ward=ward(CLIFTONVILLE), opened_on=date(2009, 1, 1))
    # One ward only: with Margate Central's single case beside it, Cliftonville's 13 would be hidden too, so
    # that the wards combined less Cliftonville does not give Margate Central away.
    ward_manager.wards.set([ward(CLIFTONVILLE)])
    data = table(ward_manager.user, "transience", ward=CLIFTONVILLE, **{"from": 2007, "to": 2009})
    rows = by_row(data, "year")
    assert (rows["2007"]["households"], rows["2007"]["rate"]) == (SUPPRESSED, SUPPRESSED)
    # With the case open since 2006: 5 households in 2007, 13 in 2009.
    assert (rows["2009"]["households"], rows["2009"]["moves"], rows["2009"]["rate"]) == (15, 0, 0.0)


def test_a_ward_manager_gets_only_their_wards(
    ward_manager: StaffProfile, policy_lead: StaffProfile, planted: dict[str, str]
) -> None:
    interventions(HouseholdFactory(ward=ward(CENTRAL)), {"agency": "jcp", "name": "Work coach"}, referred=20)
    ward_manager.wards.set([ward(CLIFTONVILLE)])
    period = {"from": 2011, "to": 2011}
    mine = table(ward_manager.user, "interventions", **period)
    assert (mine["ward"], [w["gss_code"] for w in mine["wards"]]) == ("combined", [CLIFTONVILLE])
    assert by_row(mine, "service")["Total"]["total"] == 70
    response = client_for(ward_manager.user).get("/api/v1/aggregates/interventions/", {"ward": CENTRAL})
    assert response.status_code == 400
    assert response.json() == {"ward": [f"Not one of your wards: choose one of {CLIFTONVILLE}, or combined."]}
    # The policy lead sees both target wards, together or apart.
    both = table(policy_lead.user, "interventions", **period)
    assert [w["gss_code"] for w in both["wards"]] == [CLIFTONVILLE, CENTRAL]
    assert by_row(both, "service")["Total"]["total"] == 90  # 91
    central = table(policy_lead.user, "interventions", ward=CENTRAL, **period)
    assert by_row(central, "service")["Total"]["total"] == 20


@pytest.mark.parametrize("persona", ["caseworker", "housing_officer", "data_protection_officer"])
def test_roles_without_dashboards_are_refused(persona: str, request: pytest.FixtureRequest) -> None:
    client = client_for(request.getfixturevalue(persona).user)
    for path in (
        "/api/v1/aggregates/",
        "/api/v1/aggregates/dependency/",
        "/api/v1/aggregates/dependency/csv/",
    ):
        response = client.get(path)
        assert response.status_code == 403
        assert response.json() == {"detail": "Aggregates are for ward managers and policy leads."}


def test_anonymous_callers_are_asked_to_sign_in(db: None) -> None:
    response = client_for(None).get("/api/v1/aggregates/interventions/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_every_table_is_listed_published_and_holds_no_person(
    policy_lead: StaffProfile, caseworker: StaffProfile, planted: dict[str, str]
) -> None:
    Intervention.objects.update(worker=caseworker)
    response = client_for(policy_lead.user).get("/api/v1/aggregates/")
    assert response.status_code == 200
    tables = response.json()
    assert [t["slug"] for t in tables] == list(dashboards.PANELS)
    for data in tables:
        assert data["audience"] == "policy"
        for row in data["rows"]:
            for column in data["columns"]:
                value = row[column["key"]]
                if column["kind"] == "count" and value is not None:
                    published = value == SUPPRESSED or (value % 5 == 0 and not 1 <= value <= 9)
                    assert published, (data["slug"], column["key"], value)
    # Caseloads by agency only: no case, no person, no worker's name.
    caseload = next(t for t in tables if t["slug"] == "caseload")
    assert caseload["columns"][0] == {"key": "agency", "label": "Agency", "kind": "text"}
    body = response.content.decode()
    for reference in Household.objects.values_list("case_reference", flat=True):
        assert reference not in body
    for name in ("Kim Keyworker", "kim", caseworker.user.get_full_name(), caseworker.user.username):
        assert f'"{name}' not in body


def test_a_ward_manager_s_caseload_names_the_workers_as_the_page_does(ward_manager: StaffProfile) -> None:
    caseload = table(ward_manager.user, "caseload")
    assert caseload["audience"] == "manager"
    assert caseload["columns"][0] == {"key": "worker", "label": "Worker", "kind": "text"}
    assert [row["worker"] for row in caseload["rows"]] == ["Kim Keyworker", "Total"]


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({"from": "2005"}, {"from": ["Ensure this value is greater than or equal to 2006."]}),
        ({"to": "nineteen"}, {"to": ["A valid integer is required."]}),
        ({"from": "2012", "to": "2010"}, {"to": ["The last year cannot be before the first (from)."]}),
        (
            {"ward": "<script>"},
            {"ward": [f"Not one of your wards: choose one of {CLIFTONVILLE}, {CENTRAL}, or combined."]},
        ),
    ],
)
def test_a_bad_period_or_ward_is_a_400_naming_the_parameter(
    params: dict[str, str], errors: dict[str, list[str]], policy_lead: StaffProfile
) -> None:
    for path in ("/api/v1/aggregates/", "/api/v1/aggregates/spend/", "/api/v1/aggregates/spend/csv/"):
        response = client_for(policy_lead.user).get(path, params)
        assert (response.status_code, response.json()) == (400, errors)


def test_an_unknown_table_is_a_404_naming_the_tables(policy_lead: StaffProfile) -> None:
    response = client_for(policy_lead.user).get("/api/v1/aggregates/benefit-claimants/")
    assert response.status_code == 404
    assert response.json()["detail"].startswith(
        "No table benefit-claimants: the tables are dependency, spend,"
    )


def test_the_csv_is_the_published_table(ward_manager: StaffProfile, planted: dict[str, str]) -> None:
    response = client_for(ward_manager.user).get(
        "/api/v1/aggregates/interventions/csv/", {"ward": CLIFTONVILLE, "from": 2011, "to": 2011}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="interventions-E05005088-2011-2011.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Agency: service", "Referred", "Active", "Completed", "Withdrawn", "All"]
    assert [planted["work"], "[c]", "[c]", "20", "0", "35"] in rows
    assert [planted["safety"], "0", "0", "10", "0", "10"] in rows


def test_csv_cells_a_spreadsheet_would_run_are_written_as_text(
    ward_manager: StaffProfile, monkeypatch: pytest.MonkeyPatch
) -> None:
    filters = Filters(codes=(CLIFTONVILLE,), ward=CLIFTONVILLE, label="x", first_year=2011, last_year=2011)
    columns = (
        Column("authority", "Placing authority", "text"),
        Column("placements", "Placements"),
    )
    rows = (('=HYPERLINK("http://example.com")', 10), ("Total", 10))
    chart = BarChart(title="t", categories=[rows[0][0]], series={"Placements": [10.0]}, ylabel="Placements")
    panel = Panel("placements-authority", "t", "s", columns, rows, chart)
    monkeypatch.setattr(dashboards, "dashboard_table", lambda access, params, slug: (filters, panel))
    response = client_for(ward_manager.user).get("/api/v1/aggregates/placements-authority/csv/")
    assert list(csv.reader(io.StringIO(response.content.decode())))[1] == [
        '\'=HYPERLINK("http://example.com")',
        "10",
    ]

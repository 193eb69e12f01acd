"""No hidden cell can be recovered from the published tables: for a ward x total family (a table for each
ward and for the wards combined, each with its Total row), every linear relation among the published
figures is tried, the differences across tables among them, and no hidden cell may follow from them."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outcomes.disclosure import COMBINED_MEMBER, SUPPRESSED, publish, publish_family

WARDS = ("A", "B")
CATEGORIES = ("c1", "c2", "c3")


def _table(counts: dict[str, dict[str, int]], member: str) -> pd.DataFrame:
    wards = WARDS if member == COMBINED_MEMBER else (member,)
    values = {c: sum(counts[w][c] for w in wards) for c in CATEGORIES}
    frame = pd.DataFrame({"n": values})
    frame.loc["Total"] = frame["n"].sum()
    return frame


def _published(counts: dict[str, dict[str, int]], *, jointly: bool) -> dict[str, pd.DataFrame]:
    def build(member: str) -> pd.DataFrame:
        return publish(_table(counts, member), counts=["n"], total_row="Total")

    members = [COMBINED_MEMBER, *WARDS]
    if jointly:
        return publish_family(build, members)
    return {m: build(m) for m in members}


def _derivable(tables: dict[str, pd.DataFrame]) -> list[tuple[str, str]]:
    """Hidden cells whose value the published figures determine: the cell's unit vector lies in the row
    space of the relations restricted to the hidden cells (every difference and sum of relations tried)."""
    rows = [*CATEGORIES, "Total"]
    cells = [(m, r) for m in tables for r in rows]
    hidden = [c for c in cells if tables[c[0]].loc[c[1], "n"] == SUPPRESSED]
    if not hidden:
        return []
    position = {c: i for i, c in enumerate(hidden)}
    relations = []
    for member in tables:  # within a table: the Total row is the sum of the others
        relations.append({(member, "Total"): 1, **{(member, r): -1 for r in CATEGORIES}})
    for row in rows:  # across tables: the wards combined are the sum of the wards
        relations.append({(COMBINED_MEMBER, row): 1, **{(w, row): -1 for w in WARDS}})
    matrix = np.array(
        [
            [relation.get(c, 0) for c in hidden]
            for relation in relations
            if any(c in position for c in relation)
        ]
        or [[0] * len(hidden)],
        dtype=float,
    )
    rank = np.linalg.matrix_rank(matrix)
    found = []
    for cell, i in position.items():
        unit = np.zeros(len(hidden))
        unit[i] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            found.append(cell)
    return found


counts_strategy = st.fixed_dictionaries(
    {w: st.fixed_dictionaries({c: st.integers(min_value=0, max_value=40) for c in CATEGORIES}) for w in WARDS}
)


@settings(max_examples=120, deadline=None)
@given(counts=counts_strategy)
def test_no_hidden_cell_follows_from_the_published_tables(counts: dict[str, dict[str, int]]) -> None:
    assert _derivable(_published(counts, jointly=True)) == []


def test_one_ward_hidden_is_no_longer_the_total_less_the_other_ward() -> None:
    """The case found under test: ward A shows [c], and combined minus ward B gave it back."""
    counts = {"A": {"c1": 3, "c2": 20, "c3": 30}, "B": {"c1": 40, "c2": 25, "c3": 35}}
    alone = _published(counts, jointly=False)
    assert alone["A"].loc["c1", "n"] == SUPPRESSED
    assert ("A", "c1") in _derivable(alone)  # the defect, without the family rule
    joint = _published(counts, jointly=True)
    assert joint["A"].loc["c1", "n"] == SUPPRESSED
    assert _derivable(joint) == []


@pytest.mark.parametrize("member", [COMBINED_MEMBER, *WARDS])
def test_a_family_without_small_counts_is_published_as_alone(member: str) -> None:
    counts = {w: dict.fromkeys(CATEGORIES, 20) for w in WARDS}
    joint, alone = _published(counts, jointly=True), _published(counts, jointly=False)
    pd.testing.assert_frame_equal(joint[member], alone[member])


@pytest.mark.django_db
def test_the_aggregate_api_never_hides_a_cell_in_one_ward_alone(ward_manager: object) -> None:
    """The API's tables for each ward and for both together, compared row by row: a cell hidden in exactly
    one of the three would be the difference of the other two."""
    from django.core.cache import cache

    from households.models import PlacingAuthority
    from tests.api.conftest import client_for
    from tests.factories import HouseholdFactory, PlacementFactory, ward

    cache.clear()
    for code, kcc, tdc in (("E05005088", 3, 14), ("E05005093", 16, 12)):
        for authority, n in (("E10000016", kcc), ("E07000114", tdc)):
            for _ in range(n):
                PlacementFactory(
                    household=HouseholdFactory(ward=ward(code)),
                    placing_authority=PlacingAuthority.objects.get(gss_code=authority),
                )
    api = client_for(ward_manager.user)  # type: ignore[attr-defined]
    tables = {
        member: api.get(
            "/api/v1/aggregates/placements-authority/", {"ward": member, "from": 2011, "to": 2011}
        ).json()
        for member in ("combined", "E05005088", "E05005093")
    }
    cells = {
        member: {row["authority"]: row["placements"] for row in table["rows"]}
        for member, table in tables.items()
    }
    assert cells["E05005088"]["Kent County Council"] == SUPPRESSED
    for authority in cells["combined"]:
        hidden = [m for m in cells if cells[m].get(authority) == SUPPRESSED]
        assert len(hidden) != 1, (authority, cells)


# Year ranges: every range the API allows (from <= to) over a few years, each ward and the wards combined,
# built through `protected_panel` with a one-way table (categories and a Total row) summed over the years.
YEARS = (2010, 2011, 2012, 2013)
RANGES = [(a, b) for a in YEARS for b in YEARS if a <= b]
ROWS = [*CATEGORIES, "Total"]
SLUG = "test-by-year"


def _year_panel(facts: dict, filters: object, audience: str) -> object:
    from outcomes.dashboards.panel import BarChart, Panel, rows_of
    from outcomes.tables import Column

    values = {
        c: sum(facts["counts"][w][y][c] for w in filters.codes for y in filters.years)  # type: ignore[attr-defined]
        for c in CATEGORIES
    }
    table = pd.DataFrame({"n": values})
    table.loc["Total"] = table["n"].sum()
    published = publish(table, counts=["n"], total_row="Total")
    columns = (Column("category", "Category", "text"), Column("n", "Count"))
    chart = BarChart(title="", categories=[], series={}, ylabel="")
    return Panel(SLUG, "", "", columns, rows_of(published, columns, index_key="category"), chart)


def _by_range(counts: dict) -> dict[tuple[str, int, int], dict[str, object]]:
    """Every range's published table, for each ward and for the wards combined: {(member, a, b): {row: value}}."""
    from types import SimpleNamespace
    from unittest import mock

    from outcomes import dashboards
    from outcomes.dashboards.access import POLICY, Access, filters_from

    access = Access(POLICY, tuple(SimpleNamespace(gss_code=w, name=w) for w in WARDS))  # type: ignore[arg-type]
    facts = {"counts": counts, "latest_year": YEARS[-1]}
    published = {}
    with (
        mock.patch.dict(dashboards.PANELS, {SLUG: _year_panel}),
        mock.patch.object(dashboards, "SUMMED_OVER_YEARS", dashboards.SUMMED_OVER_YEARS | {SLUG}),
    ):
        for member in (COMBINED_MEMBER, *WARDS):
            for a, b in RANGES:
                filters = filters_from({"ward": member, "from": a, "to": b}, access, latest_year=YEARS[-1])
                panel = dashboards.protected_panel(SLUG, facts, filters, access)
                published[member, a, b] = {row[0]: row[1] for row in panel.rows}
    return published


def _members_wards(member: str) -> tuple[str, ...]:
    return WARDS if member == COMBINED_MEMBER else (member,)


def _form(member: str, a: int, b: int, row: str) -> np.ndarray:
    """A published figure as a linear form over the raw cells (ward, year, category)."""
    cells = [(w, y, c) for w in WARDS for y in YEARS for c in CATEGORIES]
    categories = CATEGORIES if row == "Total" else (row,)
    return np.array(
        [float(w in _members_wards(member) and a <= y <= b and c in categories) for w, y, c in cells]
    )


def _determined_across_ranges(published: dict[tuple[str, int, int], dict[str, object]]) -> list[tuple]:
    """Hidden figures (of any range) that the published figures of every range determine, rounding taken as
    exact (the strictest reading): a hidden figure's form lies in the span of the published ones'."""
    shown = [_form(*key, row) for key, table in published.items() for row in ROWS if table[row] != SUPPRESSED]
    span = np.array(shown) if shown else np.zeros((1, len(WARDS) * len(YEARS) * len(CATEGORIES)))
    rank = np.linalg.matrix_rank(span)
    return [
        (*key, row)
        for key, table in published.items()
        for row in ROWS
        if table[row] == SUPPRESSED and np.linalg.matrix_rank(np.vstack([span, _form(*key, row)])) == rank
    ]


small_or_large = st.one_of(st.integers(min_value=0, max_value=9), st.integers(min_value=10, max_value=40))
yearly_counts = st.fixed_dictionaries(
    {
        w: st.fixed_dictionaries(
            {y: st.fixed_dictionaries({c: small_or_large for c in CATEGORIES}) for y in YEARS}
        )
        for w in WARDS
    }
)


@pytest.mark.django_db
@settings(max_examples=15, deadline=None, derandomize=True)
@given(counts=yearly_counts)
def test_no_hidden_cell_follows_from_any_year_ranges(counts: dict) -> None:
    published = _by_range(counts)
    for (member, a, b), table in published.items():
        for row in ROWS:
            years = [published[member, y, y][row] for y in range(a, b + 1)]
            if SUPPRESSED in years:  # a range is [c] where any of its years is
                assert table[row] == SUPPRESSED, (member, a, b, row)
            else:  # otherwise the sum of its years as published
                assert table[row] == sum(years), (member, a, b, row)
    # So the difference of two ranges of one figure (2010-2012 less 2010-2011) is the sum of published
    # single years, and bounds no hidden figure: every difference tried.
    for member in (COMBINED_MEMBER, *WARDS):
        for row in ROWS:
            for a1, b1 in RANGES:
                for a2, b2 in RANGES:
                    outer, inner = published[member, a1, b1][row], published[member, a2, b2][row]
                    if not (a1 <= a2 and b2 <= b1) or SUPPRESSED in (outer, inner):
                        continue
                    rest = [published[member, y, y][row] for y in (*range(a1, a2), *range(b2 + 1, b1 + 1))]
                    assert SUPPRESSED not in rest
                    assert outer - inner == sum(rest)  # type: ignore[operator]
    # And no hidden figure of any range is a linear combination of published ones, across wards and years.
    assert _determined_across_ranges(published) == []


@pytest.mark.django_db
def test_a_year_hidden_is_not_narrowed_by_differencing_ranges() -> None:
    """2010 shows [c] (3); published from its raw sum, 2010-2011 would be 15 (13 to 17) and 2011 alone 10
    (10 to 12), pinning 2010 to 1 to 7. Summed from its published years, 2010-2011 is [c] too."""
    counts = {w: {y: dict.fromkeys(CATEGORIES, 20) for y in YEARS} for w in WARDS}
    counts["A"][2010]["c1"], counts["A"][2011]["c1"] = 3, 12
    raw = pd.DataFrame({"n": {"c1": 15}})
    assert publish(raw, counts=["n"]).loc["c1", "n"] == 15  # the range as it was published before
    published = _by_range(counts)
    assert published["A", 2010, 2010]["c1"] == SUPPRESSED
    assert published["A", 2011, 2011]["c1"] == 10
    assert published["A", 2010, 2011]["c1"] == SUPPRESSED
    assert published["A", 2011, 2013]["c1"] == 50
    assert _determined_across_ranges(published) == []


@pytest.mark.django_db
def test_the_aggregate_api_sums_a_range_from_its_published_years(ward_manager: object) -> None:
    """Kent placed 3 households in 2010 and 12 in 2011: 2010-2011 less 2011 no longer narrows 2010."""
    import datetime

    from django.core.cache import cache

    from households.models import PlacingAuthority
    from tests.api.conftest import client_for
    from tests.factories import HouseholdFactory, PlacementFactory, ward

    cache.clear()
    kent = PlacingAuthority.objects.get(gss_code="E10000016")
    for year, n in ((2010, 3), (2011, 12), (2012, 20)):
        for _ in range(n):
            PlacementFactory(
                household=HouseholdFactory(ward=ward("E05005088")),
                placing_authority=kent,
                placed_on=datetime.date(year, 3, 1),
            )
    api = client_for(ward_manager.user)  # type: ignore[attr-defined]

    def kent_in(first: int, last: int) -> object:
        query = {"ward": "E05005088", "from": first, "to": last}
        table = api.get("/api/v1/aggregates/placements-authority/", query).json()
        return {row["authority"]: row["placements"] for row in table["rows"]}["Kent County Council"]

    assert kent_in(2010, 2010) == SUPPRESSED
    assert kent_in(2011, 2011) == 10
    assert kent_in(2010, 2011) == SUPPRESSED  # from its raw sum it was 15: 2010 would be 1 to 7
    assert kent_in(2010, 2012) == SUPPRESSED
    assert kent_in(2011, 2012) == 30  # 10 + 20, the years as published
    csv = api.get(
        "/api/v1/aggregates/placements-authority/csv/", {"ward": "E05005088", "from": 2010, "to": 2011}
    )
    assert "Kent County Council,[c]" in csv.content.decode()

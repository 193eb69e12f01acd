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

"""Panels of the task force's casework: interventions by agency and service, caseloads, and how often
households move home."""

from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from taskforce.org.models import StaffProfile

from ..disclosure import Rate, numeric, publish
from ..tables import Column, display
from .access import MANAGER, Filters
from .panel import (
    BarChart,
    LineChart,
    Panel,
    days_of,
    frame_key,
    last_shown,
    memoised,
    rows_of,
    text_index,
    text_of,
    values_of,
    ward_rows,
    year_end,
    years_of,
)

INTERVENTION_STATUSES = ("referred", "active", "completed", "withdrawn")
# The interventions table's columns, made once: an index of text costs more to make than the rest of a
# year's table, and each table takes a view of it (its own name, the same labels).
_COLUMNS = text_index([*INTERVENTION_STATUSES, "total"], name="status")


def _interventions_table(frame: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    # The wards' interventions counted once by year of referral, then (agency, service) and status; a
    # table for any years is made from these counts (a panel summed over the years is built for each
    # single year).
    by_year = memoised(
        ("interventions-counts", frame_key(frame), filters.codes), lambda: _counts_by_year(frame, filters)
    )
    first, last = str(filters.first_year), str(filters.last_year)
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for year, by_key in by_year.items():
        if first <= year <= last:
            for key, by_status in by_key.items():
                cell = counts.setdefault(key, {})
                for status, n in by_status.items():
                    cell[status] = cell.get(status, 0) + n
    if counts:
        return _from_counts(counts)
    if not any(
        first <= year <= last
        for year in memoised(
            ("interventions-any-years", frame_key(frame), filters.codes),
            lambda: _years_with_rows(frame, filters),
        )
    ):
        # No intervention in these years: the table a pivot table of no rows gives, a Total row of zeros
        # (the same table for any such years: made once).
        return memoised(("interventions-none",), lambda: _from_counts({}))
    return _pivoted(frame, filters)


def _counts_by_year(
    frame: pd.DataFrame, filters: Filters
) -> dict[str, dict[tuple[str, str], dict[str, int]]]:
    """The wards' interventions by year of referral, (agency, service) and status, where none is missing
    (as a pivot table groups them)."""
    rows = ward_rows(frame, filters.codes)
    # Each column's values numbered once per `memo_scope` (None: -1); the rows counted by their four numbers.
    codes, names = zip(
        _numbered(frame, "referred_on", width=4),  # the year
        *(_numbered(frame, c) for c in ("agency", "service", "status")),
        strict=True,
    )
    kept = rows & np.logical_and.reduce([code >= 0 for code in codes])
    sizes = [len(values) for values in names]
    key = np.ravel_multi_index([code[kept] for code in codes], sizes) if kept.any() else np.zeros(0, int)
    found, counts = np.unique(key, return_counts=True)
    years, agencies, services, statuses = (
        values[index].tolist() for values, index in zip(names, np.unravel_index(found, sizes), strict=True)
    )
    by_year: dict[str, dict[tuple[str, str], dict[str, int]]] = {}
    for year, agency, service, status, n in zip(
        years, agencies, services, statuses, counts.tolist(), strict=True
    ):
        by_year.setdefault(year, {}).setdefault((agency, service), {})[status] = n
    return by_year


def _numbered(frame: pd.DataFrame, column: str, width: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A text column of the interventions (its first `width` characters, if given) as a number per row, -1
    where missing, and the values so numbered (computed once per `memo_scope`)."""

    def compute() -> tuple[np.ndarray, np.ndarray]:
        values = values_of(frame, column)
        if width is not None:
            values = np.array([None if v is None else v[:width] for v in values.tolist()], dtype=object)
        code, uniques = pd.factorize(values, use_na_sentinel=True)
        return code, np.asarray(uniques, dtype=object)

    return memoised(("numbered", frame_key(frame), column, width), compute)


def _years_with_rows(frame: pd.DataFrame, filters: Filters) -> set[str]:
    """The years of referral of the wards' interventions, whatever else is missing from them."""
    return {r[:4] for r in values_of(frame, "referred_on")[ward_rows(frame, filters.codes)] if r is not None}


def _pivoted(frame: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """`_interventions_table` through a pivot table of the rows themselves."""
    rows = frame[frame["area"].isin(filters.codes)]
    year = str(filters.first_year)
    rows = rows[rows["referred_on"].astype(str).str[:4].between(year, str(filters.last_year))]
    return _with_totals(
        rows.pivot_table(
            index=["agency", "service"], columns="status", values="worker", aggfunc="size", fill_value=0
        )
    )


def _from_counts(counts: dict[tuple[str, str], dict[str, int]]) -> pd.DataFrame:
    """The table `_with_totals` makes of a pivot table of these counts by (agency, service) and status."""
    keys = sorted(counts)
    body = np.array(
        [[counts[key].get(status, 0) for status in INTERVENTION_STATUSES] for key in keys], dtype=np.int64
    ).reshape(len(keys), len(INTERVENTION_STATUSES))
    body = np.column_stack([body, body.sum(axis=1)])
    body = np.vstack([body, body.sum(axis=0)])
    return pd.DataFrame(
        body,
        index=text_index([*(f"{a}: {s}" for a, s in keys), "Total"]),
        columns=_COLUMNS.view(),
    )


def _with_totals(counts: pd.DataFrame) -> pd.DataFrame:
    """Interventions by (agency, service) and status, with a total column and a Total row."""
    table = counts.reindex(columns=list(INTERVENTION_STATUSES), fill_value=0).fillna(0)
    table.index = [f"{a}: {s}" for a, s in table.index]
    table["total"] = table.sum(axis=1)
    table.loc["Total"] = table.sum(axis=0)
    return table


def interventions_table(facts: dict[str, Any], filters: Filters, audience: str = "") -> pd.DataFrame:
    """The table `interventions_panel` publishes, alone (its single years, `disclosure.by_period`)."""
    frame = facts["interventions"]
    key = ("interventions", frame_key(frame), filters.codes, filters.first_year, filters.last_year)
    table = memoised(key, lambda: _interventions_table(frame, filters))
    return publish(table, counts=[*INTERVENTION_STATUSES, "total"], total_row="Total", total_column="total")


def interventions_panel(facts: dict[str, Any], filters: Filters, audience: str) -> Panel:
    published = interventions_table(facts, filters)
    services = len(published) - 1
    columns = (
        Column("service", "Agency: service", "text"),
        *(Column(s, s.capitalize()) for s in INTERVENTION_STATUSES),
        Column("total", "All"),
    )
    summary = (
        f"{display(published.loc['Total', 'total'], 'count')} interventions with households in {filters.label} were "
        f"referred from {filters.first_year} to {filters.last_year}, across {services} services."
    )
    body = published.drop(index="Total")
    chart = BarChart(
        title=f"Interventions by agency, service and status, {filters.label}",
        categories=[str(i) for i in body.index],
        series={s.capitalize(): numeric(body[s]) for s in INTERVENTION_STATUSES},
        ylabel="Interventions",
        horizontal=True,
    )
    return Panel(
        "interventions",
        "Interventions by agency, service and status",
        summary,
        columns,
        rows_of(published, columns, index_key="service"),
        chart,
        ("By the date of referral.",),
    )


def _workers() -> dict[int, tuple[str, str, str]]:
    """Each staff profile's name, agency and username (read once per `memo_scope`)."""
    return {
        p.pk: (p.user.get_full_name() or p.user.get_username(), p.agency.name, p.user.get_username())
        for p in StaffProfile.objects.select_related("user", "agency")
    }


def _distinct_names(workers: list[tuple[str, str, str]]) -> list[str]:
    """Workers' names as the caseload's row labels: a name two workers share, or the Total row's, gets the
    worker's username after it, so every row stays its own (a published table's labels must be unique)."""
    taken = Counter(name for name, _, _ in workers)
    return [
        f"{name} ({username})" if taken[name] > 1 or name == "Total" else name
        for name, _, username in workers
    ]


def _sizes(ids: np.ndarray) -> dict[Any, int]:
    """How many times each id occurs, missing ones left out (as a groupby of them counts), by the id as a
    Python number."""
    ids = ids[~pd.isna(ids)]
    values, counts = np.unique(ids, return_counts=True)
    return dict(zip(values.tolist(), counts.tolist(), strict=True))


def _under_way(frame: pd.DataFrame, codes: tuple[str, ...], began: str, ended: str, on: str) -> np.ndarray:
    """Rows of the wards `codes` that had begun by the ISO day `on` and not ended by it (a missing end: not
    yet), compared as ISO text."""
    start, start_missing = text_of(frame, began)
    stop, stop_missing = text_of(frame, ended)
    return ward_rows(frame, codes) & ~start_missing & (start <= on) & (stop_missing | (stop > on))


def caseload_panel(facts: dict[str, Any], filters: Filters, audience: str) -> Panel:
    end = year_end(filters.last_year)
    # Open households and active interventions at the end of the last year, compared as ISO text.
    households = facts["households"]
    open_cases = _under_way(households, filters.codes, "opened_on", "closed_on", end)
    frame = facts["interventions"]
    active = _under_way(frame, filters.codes, "started_on", "ended_on", end)
    workers = memoised(("workers",), _workers)
    cases = _sizes(households["key_worker"].to_numpy()[open_cases])
    work = _sizes(frame["worker"].to_numpy()[active])
    ids = sorted(set(cases) | set(work))
    names = _distinct_names([workers.get(int(i), (f"Worker {i}", "", f"worker {i}")) for i in ids])
    agencies = [workers.get(int(i), ("", "Unknown agency", ""))[1] for i in ids]
    case_counts = [cases.get(i, 0) for i in ids]
    intervention_counts = [work.get(i, 0) for i in ids]
    # Each table is made at once with its Total row (adding the row through `.loc` costs more than the
    # rest of the panel).
    if audience == MANAGER:
        table = pd.DataFrame(
            {
                "agency": np.array([*agencies, ""], dtype=object),
                "cases": [*case_counts, sum(case_counts)],
                "interventions": [*intervention_counts, sum(intervention_counts)],
            },
            index=text_index([*names, "Total"], name="worker"),
        )
        index_key, label = "worker", "Worker"
        published = publish(table, counts=["cases", "interventions"], total_row="Total")
        columns: tuple[Column, ...] = (
            Column("worker", label, "text"),
            Column("agency", "Agency", "text"),
            Column("cases", "Open households as key worker"),
            Column("interventions", "Active interventions"),
        )
    else:
        # Key workers, cases and interventions by agency.
        sums: dict[str, list[int]] = {}
        for agency, n_cases, n_interventions in zip(agencies, case_counts, intervention_counts, strict=True):
            counts = sums.setdefault(agency, [0, 0, 0])
            counts[0] += 1
            counts[1] += n_cases
            counts[2] += n_interventions
        by_agency = sorted(sums)
        key_workers, cases_of, interventions_of = (
            [sums[agency][i] for agency in by_agency] for i in range(3)
        )
        total_workers, total_cases = sum(key_workers), sum(cases_of)
        table = pd.DataFrame(
            {
                "workers": [*key_workers, total_workers],
                "cases": [*cases_of, total_cases],
                "interventions": [*interventions_of, sum(interventions_of)],
                "per_worker": [
                    *(n / k for n, k in zip(cases_of, key_workers, strict=True)),
                    total_cases / total_workers if total_workers else float("nan"),
                ],
            },
            index=text_index([*by_agency, "Total"], name="agency"),
        )
        index_key, label = "agency", "Agency"
        published = publish(
            table,
            counts=["workers", "cases", "interventions"],
            rates={"per_worker": Rate("workers")},
            total_row="Total",
        )
        columns = (
            Column("agency", label, "text"),
            Column("workers", "Key workers"),
            Column("cases", "Open households"),
            Column("per_worker", "Households per key worker", "ratio"),
            Column("interventions", "Active interventions"),
        )
    summary = (
        f"At the end of {filters.last_year}, {display(published.loc['Total', 'cases'], 'count')} open households in "
        f"{filters.label} had a key worker."
    )
    body = published.drop(index="Total")
    chart = BarChart(
        title=f"Caseload per {'worker' if audience == MANAGER else 'agency'}, {filters.label}, end of {filters.last_year}",
        categories=[str(i) for i in body.index],
        series={
            "Open households": numeric(body["cases"]),
            "Active interventions": numeric(body["interventions"]),
        },
        ylabel="Cases",
        horizontal=True,
        stacked=False,
    )
    return Panel(
        "caseload",
        "Caseload per worker",
        summary,
        columns,
        rows_of(published, columns, index_key=index_key),
        chart,
        (
            "Open households whose key worker the person is, and interventions they are delivering, at the "
            "end of the last year chosen.",
        ),
    )


def transience_panel(facts: dict[str, Any], filters: Filters, audience: str) -> Panel:
    moves = facts["moves"]
    moved_in, moved_in_missing = days_of(moves, "moved_in")
    household = moves["household"].to_numpy()
    # A household's first home is not a move: each household's earliest day moved in (a missing day last)
    # is left out, and the rest counted by year. The moves are sorted so once per `memo_scope`: the
    # wards' rows taken in that order are in their own such order (the sort is stable).
    order = memoised(
        ("moves-order", frame_key(moves)), lambda: np.lexsort((moved_in, moved_in_missing, household))
    )
    order = order[ward_rows(moves, filters.codes)[order]]
    first = np.ones(len(order), dtype=bool)
    first[1:] = household[order][1:] != household[order][:-1]
    later = ~first
    move_years = Counter((moved_in[order] // 10_000)[later].tolist())  # a missing day: year 0
    households = facts["households"]
    rows = ward_rows(households, filters.codes)
    opened, opened_missing = (column[rows] for column in text_of(households, "opened_on"))
    closed, still_open = (column[rows] for column in text_of(households, "closed_on"))
    if opened_missing.any():  # as compared by the text of pandas' own columns
        opened = households["opened_on"].astype(str).to_numpy()[rows]
        present = np.array(
            [
                int(((opened <= year_end(year)) & (still_open | (closed >= f"{year}-01-01"))).sum())
                for year in filters.years
            ],
            dtype=np.int64,
        )
    else:
        # Every year at once, by the years of the days (opened by the end of a year, not closed before it).
        opened_in = years_of(households, "opened_on")[0][rows]
        closed_in = years_of(households, "closed_on")[0][rows]
        years = np.array(filters.years, dtype=np.int64)
        present = ((opened_in[:, None] <= years) & (still_open[:, None] | (closed_in[:, None] >= years))).sum(
            axis=0, dtype=np.int64
        )
    moved = np.array([move_years[year] for year in filters.years], dtype=np.int64)
    table = pd.DataFrame(
        {"households": present, "moves": moved, "rate": moved / np.where(present > 0, present, np.nan)},
        index=text_index([str(year) for year in filters.years], name="year"),
    )
    published = publish(table, counts=["households", "moves"], rates={"rate": Rate("households", "moves")})
    columns = (
        Column("year", "Year", "text"),
        Column("households", "Households with an open case"),
        Column("moves", "Moves of home"),
        Column("rate", "Moves per household", "ratio"),
    )
    last = last_shown(published, "rate")
    summary = (
        f"In {last[0]} households in {filters.label} moved home {float(last[1]):.2f} times on average."
        if last
        else f"Too few households in {filters.label} in this period to publish a rate of moves."
    )
    chart = LineChart(
        title=f"Moves of home per household, {filters.label}",
        x=[int(y) for y in published.index],
        series={"Moves per household": numeric(published["rate"])},
        ylabel="Moves per household a year",
    )
    return Panel(
        "transience",
        "Transience: moves per household",
        summary,
        columns,
        rows_of(published, columns, index_key="year"),
        chart,
        ("A move is a new home after the first one recorded for a household.",),
    )

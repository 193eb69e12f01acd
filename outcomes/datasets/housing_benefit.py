"""Housing benefit and the condition of the home it paid for: the housing evidence and the dashboards' table.

The monthly rule (docs/dashboards.md). A benefit record covers a calendar month. It counts for a household
when the person was a member on the first day of the month (leaving on that day still counts), and for a
home the household lived in on any day of the month: moved in by its last day and not moved out by its
first. After a move within the month, or with two memberships on the same day, the home moved into last
takes the month (the later record on a tie). The home's condition is the one on the first day of the
month: a Category 1 hazard found at an inspection on or before that day and not yet remedied by it, and a
licence (granted, expired or revoked) that had started and not yet expired.

The rule is applied to the small tables (memberships, homes, hazards, licences) to give spans of months,
each with one person, one home, one year and one condition; the database then sums the benefit records
inside each span in one query. The records themselves never leave the database.
"""

from datetime import date

import numpy as np
import pandas as pd
from django.db import connection
from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast, Coalesce

from households.hhsrs import CATEGORY_1_THRESHOLD
from households.models import HazardFinding, Licence, Residence

from ..models import BenefitRecord, BenefitType
from .query import columns_frame, sql_frame, values_frame

HOUSING_BENEFIT = "hb"
_OPEN = np.iinfo(np.int64).max // 4  # the bound of a span with no end date, in months


def _month_bounds(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """For ISO dates, the month each falls in and the first month starting on or after it, as months since
    January 1970; a missing date gives _OPEN for both."""
    days = np.asarray(values.fillna("NaT"), dtype="datetime64[D]")
    months = days.astype("datetime64[M]")
    floor = months.astype(np.int64)
    ceiling = floor + (days > months.astype("datetime64[D]"))
    missing = np.isnat(days)
    floor[missing] = _OPEN
    ceiling[missing] = _OPEN
    return floor, ceiling


def _month_ordinal(month: date) -> int:
    return (month.year - 1970) * 12 + month.month - 1


def _claimant_homes(first_month: date, last_month: date) -> pd.DataFrame:
    """Each membership of a housing benefit claimant paired with each home of that household, with the
    months [start, end) in which the home could take the claimant's benefit, before moves are resolved."""
    # Everyone ever paid housing benefit: the months are for the spans to bound (a range of months here
    # would lead SQLite's planner to the (month, benefit) index and a million rows).
    claimants = BenefitRecord.objects.filter(benefit__code=HOUSING_BENEFIT).values("person_id")
    homes = values_frame(
        Residence.objects.filter(household__memberships__person_id__in=claimants)
        .annotate(
            joined=Cast("household__memberships__joined_on", CharField()),
            left=Cast("household__memberships__left_on", CharField()),
            moved_in_text=Cast("moved_in", CharField()),
            moved_out_text=Cast("moved_out", CharField()),
        )
        .values_list(
            "household__memberships__pk",
            "household__memberships__person_id",
            "household_id",
            "joined",
            "left",
            "pk",
            "property_id",
            "property__area__gss_code",
            "property__is_hmo",
            "moved_in_text",
            "moved_out_text",
        ),
        [
            "membership",
            "person",
            "household",
            "joined_on",
            "left_on",
            "residence",
            "property",
            "area",
            "is_hmo",
            "moved_in",
            "moved_out",
        ],
    )
    _, joined = _month_bounds(homes["joined_on"])
    left, _ = _month_bounds(homes["left_on"])
    moved_in, _ = _month_bounds(homes["moved_in"])
    _, moved_out = _month_bounds(homes["moved_out"])
    homes["start"] = np.maximum.reduce([joined, moved_in, np.full(len(homes), _month_ordinal(first_month))])
    homes["end"] = np.minimum.reduce(
        [left + 1, moved_out, np.full(len(homes), _month_ordinal(last_month) + 1)]
    )
    homes["is_hmo"] = homes["is_hmo"].astype(bool)
    # Which home wins a month two of them could take: the one moved into last, then the later records.
    homes["rank"] = np.lexsort(
        (homes["membership"], homes["residence"], np.asarray(homes["moved_in"], dtype="datetime64[D]"))
    ).argsort()
    return homes[homes["start"] < homes["end"]].reset_index(drop=True)


def _cut(spans: pd.DataFrame, cuts: pd.DataFrame) -> pd.DataFrame:
    """`spans` (start, end) cut at the months `cuts` (span, at) that fall inside them: the pieces, each with
    the position of its span, its start and its end."""
    starts, ends = spans["start"].to_numpy(), spans["end"].to_numpy()
    span, at = cuts["span"].to_numpy(), cuts["at"].to_numpy()
    inside = (at > starts[span]) & (at < ends[span])
    positions = np.arange(len(spans))
    bounds = pd.DataFrame(
        {
            "span": np.concatenate([positions, positions, span[inside]]),
            "at": np.concatenate([starts, ends, at[inside]]),
        }
    ).drop_duplicates()
    bounds = bounds.sort_values(["span", "at"])
    span, at = bounds["span"].to_numpy(), bounds["at"].to_numpy()
    same = span[:-1] == span[1:]
    return pd.DataFrame({"span": span[:-1][same], "start": at[:-1][same], "end": at[1:][same]})


def _spells(rows: QuerySet) -> pd.DataFrame:
    """Months [start, end) of each property in which a condition held on the first day, from rows of
    property, the date it began and the date it ended (missing: not yet)."""
    frame = values_frame(rows, ["property", "from", "to"])
    _, start = _month_bounds(frame["from"])
    _, end = _month_bounds(frame["to"])
    return pd.DataFrame({"property": frame["property"], "start": start, "end": end})


def _held(pieces: pd.DataFrame, spells: pd.DataFrame) -> np.ndarray:
    """Whether a spell of the piece's property covers each piece (pieces are cut at the spells' bounds)."""
    hit = pieces[["property", "start"]].reset_index(drop=True).reset_index().merge(spells, on="property")
    covered = hit.loc[(hit["start_y"] <= hit["start_x"]) & (hit["start_x"] < hit["end"]), "index"]
    return np.isin(np.arange(len(pieces)), covered.to_numpy())


def _housing_benefit_spans(first_month: date, last_month: date) -> pd.DataFrame:
    """Spans of months [start, end) in which a person's housing benefit went to one home, in one condition,
    within one year: person, household, property, area, is_hmo, year, start, end, category_1, licensed. The
    spans of one person do not overlap."""
    homes = _claimant_homes(first_month, last_month)
    # Moves: cut each home's months at every start and end of the same person's other homes; each piece
    # goes to the winner of the homes that have it.
    bounds = pd.concat(
        [
            homes[["person", "start"]].rename(columns={"start": "at"}),
            homes[["person", "end"]].rename(columns={"end": "at"}),
        ]
    ).drop_duplicates()
    cuts = homes[["person"]].rename_axis("span").reset_index().merge(bounds, on="person")[["span", "at"]]
    pieces = _cut(homes, cuts)
    pieces["person"] = homes["person"].to_numpy()[pieces["span"]]
    pieces["rank"] = homes["rank"].to_numpy()[pieces["span"]]
    won = pieces.sort_values("rank").drop_duplicates(["person", "start"], keep="last")
    won = won.sort_values(["span", "start"])
    joins = won["span"].eq(won["span"].shift()) & won["start"].eq(won["end"].shift())
    won = won.groupby((~joins).cumsum()).agg(
        span=("span", "first"), start=("start", "first"), end=("end", "last")
    )
    spans = homes.iloc[won["span"]][["person", "household", "property", "area", "is_hmo"]].reset_index(
        drop=True
    )
    spans["start"], spans["end"] = won["start"].to_numpy(), won["end"].to_numpy()

    # Then cut at each new year and wherever the home's condition changes.
    hazards = _spells(
        HazardFinding.objects.filter(score__gte=CATEGORY_1_THRESHOLD)
        .annotate(
            found=Cast("inspection__inspected_on", CharField()), remedied=Cast("remedied_on", CharField())
        )
        .values_list("inspection__property_id", "found", "remedied")
    )
    licences = _spells(
        # A granted licence covers its home from its start to its revocation or expiry.
        Licence.objects.filter(decision="granted")
        .annotate(
            starts=Cast("starts_on", CharField()),
            expires=Cast(Coalesce("revoked_on", "expires_on"), CharField()),
        )
        .values_list("property_id", "starts", "expires")
    )
    changes = pd.concat(
        [
            spells[["property", edge]].set_axis(["property", "at"], axis=1)
            for spells in (hazards, licences)
            for edge in ("start", "end")
        ]
    )
    condition_cuts = spans[["property"]].rename_axis("span").reset_index().merge(changes, on="property")
    first_january = (spans["start"].to_numpy() // 12 + 1) * 12
    new_years = np.maximum(0, (spans["end"].to_numpy() - first_january + 11) // 12)
    span = np.repeat(np.arange(len(spans)), new_years)
    nth = np.arange(len(span)) - np.repeat(np.cumsum(new_years) - new_years, new_years)
    year_cuts = pd.DataFrame({"span": span, "at": np.repeat(first_january, new_years) + 12 * nth})
    pieces = _cut(spans, pd.concat([condition_cuts[["span", "at"]], year_cuts]))
    result = spans.iloc[pieces["span"]][["person", "household", "property", "area", "is_hmo"]].reset_index(
        drop=True
    )
    result["start"], result["end"] = pieces["start"].to_numpy(), pieces["end"].to_numpy()
    result["year"] = result["start"] // 12 + 1970
    result["category_1"] = _held(result, hazards)
    result["licensed"] = _held(result, licences)
    # In the order of the index the sums read, so each span's records sit next to the last one's.
    return result.sort_values(["person", "start"], ignore_index=True)


def _spans_table(spans: pd.DataFrame) -> tuple[str, list]:
    """The spans as a derived table for a query, and its parameters: span (its position), person, and the
    first days of its first month (starts) and of the month after its last (ends). The months travel as
    whole numbers (since January 1970), one array each, unnested, on PostgreSQL; on SQLite, one JSON array
    with the first days as ISO text."""
    person = spans["person"].tolist()
    if connection.vendor == "postgresql":
        start, end = spans["start"].tolist(), spans["end"].tolist()
        return (
            "SELECT t.n - 1 AS span, t.person, (DATE '1970-01-01' + make_interval(months => t.first))::date "
            "AS starts, (DATE '1970-01-01' + make_interval(months => t.stop))::date AS ends "
            "FROM unnest(%s::integer[], %s::integer[], %s::integer[]) WITH ORDINALITY AS t(person, first, stop, n)",
            # Array literals written here in one join each: the driver's per-element array dumping cost
            # more than the rest of the dashboard's figures.
            [_int_array(person), _int_array(start), _int_array(end)],
        )
    # SQLite: the first days written here as ISO text (the records' months are stored so), each distinct
    # month once; date() in the query for each span cost a quarter of the query.
    months, inverse = np.unique(
        np.concatenate([spans["start"].to_numpy(), spans["end"].to_numpy()]), return_inverse=True
    )
    first_days = np.datetime_as_string(months.astype("datetime64[M]").astype("datetime64[D]")).astype(object)[
        inverse
    ]
    starts, ends = first_days[: len(spans)].tolist(), first_days[len(spans) :].tolist()
    return (
        "SELECT key AS span, json_extract(value, '$[0]') AS person, json_extract(value, '$[1]') AS starts, "
        "json_extract(value, '$[2]') AS ends FROM json_each(%s)",
        # Written as text, with no list of tuples (tens of thousands of them set off garbage collections).
        ["[" + ",".join(map('[{},"{}","{}"]'.format, person, starts, ends)) + "]"],
    )


def _int_array(values: list[int]) -> str:
    """A PostgreSQL integer array literal ('{1,2,3}'), cast to integer[] by the query."""
    return "{" + ",".join(map(str, values)) + "}"


def _housing_benefit_sql(select: str, spans: pd.DataFrame) -> tuple[str, list]:
    """A query over each span's housing benefit records, by the index on (benefit, person, month, amount):
    `select` may name `spans s` (span, person, starts, ends), `{records}` and `{where}` (a record `b` of
    the span's person, in its months, of housing benefit)."""
    quote = connection.ops.quote_name
    table, params = _spans_table(spans)
    records, types = quote(BenefitRecord._meta.db_table), quote(BenefitType._meta.db_table)
    where = (
        "b.benefit_id = (SELECT id FROM housing_benefit) AND b.person_id = s.person "
        "AND b.month >= s.starts AND b.month < s.ends"
    )
    sql = (
        f"WITH spans AS ({table}), housing_benefit AS (SELECT id FROM {types} WHERE code = %s) "  # noqa: S608 -- names are ours
        + select.format(records=records, where=where)
    )
    return sql, [*params, HOUSING_BENEFIT]


def housing_benefit_homes(
    *, first_month: date = date(2006, 1, 1), last_month: date = date(2015, 12, 1)
) -> pd.DataFrame:
    """Housing benefit paid each month with the condition of the home it paid for:
    period, household, property, amount, is_hmo, licensed, open_category_1."""
    columns = ["period", "household", "property", "amount", "is_hmo", "licensed", "open_category_1"]
    spans = _housing_benefit_spans(first_month, last_month)
    if spans.empty:
        return pd.DataFrame(columns=columns)
    sql, params = _housing_benefit_sql(
        # CROSS JOIN keeps the spans as the outer loop on SQLite: each one is a range of the index.
        "SELECT s.span, SUBSTR(CAST(b.month AS TEXT), 1, 7), b.amount FROM spans s CROSS JOIN {records} b "
        "WHERE {where} ORDER BY 2, 1",
        spans,
    )
    paid = sql_frame(sql, params, ["span", "period", "amount"])
    homes = spans.iloc[paid["span"]].reset_index(drop=True)
    return pd.DataFrame(
        {
            "period": paid["period"],
            "household": homes["household"],
            "property": homes["property"],
            "amount": paid["amount"].astype(float),
            "is_hmo": homes["is_hmo"],
            "licensed": homes["licensed"],
            "open_category_1": homes["category_1"],
        }
    )


def housing_benefit_by_ward(
    *, first_month: date = date(2006, 1, 1), last_month: date = date(2015, 12, 1)
) -> pd.DataFrame:
    """Housing benefit by ward of the home and year, split as in the housing evidence: area, year,
    housing_benefit, into_category_1_homes, into_unlicensed_hmos, homes, category_1_homes, unlicensed_hmos.

    The database sums the records of each span (one index range each, in one query); the spans' sums are
    then added up by ward and year. A home counts in a year when any record was paid into it."""
    columns = [
        "area",
        "year",
        "housing_benefit",
        "into_category_1_homes",
        "into_unlicensed_hmos",
        "homes",
        "category_1_homes",
        "unlicensed_hmos",
    ]
    spans = _housing_benefit_spans(first_month, last_month)
    if spans.empty:
        return pd.DataFrame(columns=columns)
    sql, params = _housing_benefit_sql(
        "SELECT s.span, (SELECT CAST(SUM(b.amount) AS double precision) FROM {records} b WHERE {where}) "
        "FROM spans s",
        spans,
    )
    sums = columns_frame(sql, params, {"span": "int64", "amount": "float64"}).dropna()
    paid = spans.iloc[sums["span"]].assign(amount=sums["amount"].to_numpy())
    category_1 = paid["category_1"]
    unlicensed = paid["is_hmo"] & ~paid["licensed"]
    data = paid.assign(
        year=paid["year"].astype(str),
        into_category_1_homes=paid["amount"].where(category_1, 0.0),
        into_unlicensed_hmos=paid["amount"].where(unlicensed, 0.0),
        category_1_property=paid["property"].where(category_1),
        unlicensed_property=paid["property"].where(unlicensed),
    )
    return (
        data.groupby(["area", "year"])
        .agg(
            housing_benefit=("amount", "sum"),
            into_category_1_homes=("into_category_1_homes", "sum"),
            into_unlicensed_hmos=("into_unlicensed_hmos", "sum"),
            homes=("property", "nunique"),
            category_1_homes=("category_1_property", "nunique"),
            unlicensed_hmos=("unlicensed_property", "nunique"),
        )
        .reset_index()[columns]
    )

"""Housing benefit and the condition of the home it paid for: the housing evidence and the dashboards' table.

The monthly rule (docs/dashboards.md). A benefit record covers a calendar month. It counts for a household
when the person was a member on the first day of the month (leaving on that day still counts), and for a
home the household lived in on any day of the month: moved in by its last day and not moved out by its
first. After a move within the month, or with two memberships on the same day, the home moved into last
takes the month (the later record on a tie). The home's condition is the one on the first day of the
month: a Category 1 hazard found at an inspection on or before that day and not yet remedied by it, and a
licence (granted, expired or revoked) that had started and not yet expired.

The rule is applied to the small tables (memberships, homes, hazards, licences) to give spans of months,
each with one person, one home, one year and one condition; each span's benefit is then summed, in whole
pennies, from the housing benefit ledger (each claimant's months as one row, `ledger`) when it is up to
date with the records, or else by the database over the records inside each span, in one query.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from django.db import connection
from django.db.models import Aggregate, CharField, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat

from households.hhsrs import CATEGORY_1_THRESHOLD
from households.models import HazardFinding, Licence, Membership, Property, Residence
from taskforce.org.models import Area

from ..models import BenefitRecord, BenefitType, HousingBenefitLedger
from .ledger import HOUSING_BENEFIT, Ledger, current_ledger
from .query import columns_frame, iso_days, positions, sql_frame, values_columns

_OPEN = np.iinfo(np.int64).max // 4  # the bound of a span with no end date, in months
_NO_DATE = "----------"  # a missing date among dates run together, ten characters like the others


def _month_bounds(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For dates (datetime64[D]), the month each falls in and the first month starting on or after it, as
    months since January 1970; a missing date (NaT) gives _OPEN for both."""
    months = days.astype("datetime64[M]")
    floor = months.astype(np.int64)
    ceiling = floor + (days > months.astype("datetime64[D]"))
    missing = np.isnat(days)
    floor[missing] = _OPEN
    ceiling[missing] = _OPEN
    return floor, ceiling


def _iso_months(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For ISO dates as bytes (uint8, ten on the last axis; _NO_DATE where missing), what _month_bounds
    gives for them, read off the digits (several times faster than numpy's parsing), and each date as one
    whole number, YYYYMMDD, to order by."""
    digits = days.astype(np.int64) - ord("0")
    year = digits[..., 0] * 1000 + digits[..., 1] * 100 + digits[..., 2] * 10 + digits[..., 3]
    month = digits[..., 5] * 10 + digits[..., 6]
    day = digits[..., 8] * 10 + digits[..., 9]
    floor = (year - 1970) * 12 + month - 1
    ceiling = floor + (day > 1)
    missing = days[..., 0] == ord(_NO_DATE[0])
    floor[missing] = _OPEN
    ceiling[missing] = _OPEN
    return floor, ceiling, (year * 100 + month) * 100 + day


class _Joined(Aggregate):
    """An expression's values over the rows as one text, joined by `separator`: SQLite's group_concat,
    PostgreSQL's string_agg. The aggregates of one query step through its rows together, so the values
    of several line up."""

    function = "group_concat"
    output_field = CharField()

    def __init__(self, expression: Any, separator: str = ",") -> None:
        super().__init__(Cast(expression, CharField()), Value(separator))

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(compiler, connection, function="string_agg", **extra_context)


def _integers(text: str | None, count: int) -> np.ndarray:
    """Whole numbers written as text joined by commas (None: none), as an array of `count` of them."""
    values = np.fromstring(text or "", dtype=np.int64, sep=",")
    if len(values) != count:
        raise ValueError(f"{len(values)} numbers where {count} were expected")
    return values


def _month_ordinal(month: date) -> int:
    return (month.year - 1970) * 12 + month.month - 1


@dataclass(frozen=True)
class _Homes:
    """Each membership of a housing benefit claimant paired with each home of that household that could
    take some of the claimant's benefit: one array per field, one element per pair."""

    person: np.ndarray
    household: np.ndarray
    property: np.ndarray
    area: np.ndarray  # the ward's GSS code (Python strings)
    is_hmo: np.ndarray
    start: np.ndarray  # months [start, end) in which the home could take the benefit
    end: np.ndarray
    rank: np.ndarray  # which home wins a month two could take: the higher rank


@dataclass(frozen=True)
class _Spans:
    """Spans of months [start, end) in which a person's housing benefit went to one home, in one condition,
    within one year, ordered by person and start: one array per field, one element per span."""

    person: np.ndarray
    household: np.ndarray
    property: np.ndarray
    area: np.ndarray
    is_hmo: np.ndarray
    start: np.ndarray
    end: np.ndarray
    year: np.ndarray
    category_1: np.ndarray
    licensed: np.ndarray

    def __len__(self) -> int:
        return len(self.person)


def _claimant_homes(first_month: date, last_month: date, claimants: QuerySet | None = None) -> _Homes:
    """Each membership of a housing benefit claimant paired with each home of that household, with the
    months [start, end) in which the home could take the claimant's benefit, before moves are resolved.
    `claimants`: their ids (the ledger's, when it is up to date); by default read off the records."""
    # Everyone ever paid housing benefit: the months are for the spans to bound (a range of months here
    # would lead SQLite's planner to the (month, benefit) index and a million rows). Each person once, the
    # benefit by its id: SQLite then reads the persons off the (benefit, person, month) index in order,
    # where a join to the benefit types put every record (a third of a million) into the list.
    claimants = (
        claimants
        if claimants is not None
        else (
            BenefitRecord.objects.filter(
                benefit=Subquery(BenefitType.objects.filter(code=HOUSING_BENEFIT).order_by().values("pk"))
            )
            .order_by()
            .values("person_id")
            .distinct()
        )
    )
    # The claimants' memberships, every residence and every home, each read alone and paired here: joined
    # in the database, each pair cost SQLite a lookup per table joined, about twice the reads themselves.
    # Each comes back as one row of texts, a field's values run together (see _Joined): fetched as rows,
    # they cost more in the driver than in the query. Two dates are one text of fixed width, a missing one
    # as _NO_DATE. Children before parents: a home a residence read here names is still there when the
    # homes are read (a home with a residence cannot be deleted), and one deleted with its residences in
    # between is left out, as a join run a moment later would have left it.
    members = Membership.objects.filter(person_id__in=claimants).aggregate(
        ids=_Joined("pk"),
        persons=_Joined("person_id"),
        households=_Joined("household_id"),
        days=_Joined(_date_pair("joined_on", "left_on"), separator=""),
    )
    residences = Residence.objects.aggregate(
        ids=_Joined("pk"),
        households=_Joined("household_id"),
        properties=_Joined("property_id"),
        days=_Joined(_date_pair("moved_in", "moved_out"), separator=""),
    )
    homes = Property.objects.aggregate(
        ids=_Joined("pk"),
        areas=_Joined("area_id"),
        hmos=_Joined(Cast("is_hmo", IntegerField()), separator=""),
    )
    codes = dict(Area.objects.values_list("pk", "gss_code"))

    member_days = _date_pairs(members["days"])
    membership, member_person, member_household = (
        _integers(members[field], len(member_days)) for field in ("ids", "persons", "households")
    )
    residence_days = _date_pairs(residences["days"])
    residence_id, residence_household, residence_property = (
        _integers(residences[field], len(residence_days)) for field in ("ids", "households", "properties")
    )
    home_hmo = np.frombuffer((homes["hmos"] or "").encode("ascii"), dtype=np.uint8) == ord("1")
    home_id, home_area = (_integers(homes[field], len(home_hmo)) for field in ("ids", "areas"))

    # Each membership with each residence of its household.
    by_household = np.argsort(residence_household, kind="stable")
    households = residence_household[by_household]
    low = np.searchsorted(households, member_household, "left")
    member, nth = _expand(np.searchsorted(households, member_household, "right") - low)
    residence = by_household[low[member] + nth]
    # Each residence's home.
    home, found = positions(home_id, residence_property[residence])
    member, residence, home = member[found], residence[found], home[found]

    days = np.concatenate([member_days[member], residence_days[residence]], axis=1)
    membership, person, household = membership[member], member_person[member], member_household[member]
    residence, prop = residence_id[residence], residence_property[residence]
    area_ids, area_of_home = np.unique(home_area, return_inverse=True)
    area = np.array([codes[a] for a in area_ids.tolist()], dtype=object)[area_of_home][home]
    is_hmo = home_hmo[home]
    floor, ceiling, day = _iso_months(days)
    joined, left, moved_in, moved_out = ceiling[:, 0], floor[:, 1], floor[:, 2], ceiling[:, 3]
    start = np.maximum(np.maximum(joined, moved_in), _month_ordinal(first_month))
    end = np.minimum(np.minimum(left + 1, moved_out), _month_ordinal(last_month) + 1)
    # Which home wins a month two of them could take: the one moved into last, then the later records.
    rank = np.lexsort((membership, residence, day[:, 2])).argsort()
    kept = start < end
    return _Homes(
        person=person[kept],
        household=household[kept],
        property=prop[kept],
        area=area[kept],
        is_hmo=is_hmo[kept],
        start=start[kept],
        end=end[kept],
        rank=rank[kept],
    )


def _date_pair(first: str, second: str) -> Concat:
    """Two date fields as one text of twenty characters, a missing one as _NO_DATE."""
    return Concat(
        Coalesce(Cast(first, CharField()), Value(_NO_DATE)),
        Coalesce(Cast(second, CharField()), Value(_NO_DATE)),
        output_field=CharField(),
    )


def _date_pairs(text: str | None) -> np.ndarray:
    """`_date_pair`'s texts run together, as an array of (rows, 2, 10) ASCII codes."""
    return np.frombuffer((text or "").encode("ascii"), dtype=np.uint8).reshape(-1, 2, 10)


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values of an integer array, sorted: np.unique, by a sort, which for tens of thousands of
    values is several times faster than the hash table np.unique uses for integers since numpy 2.3."""
    values = np.sort(values)
    return values[np.concatenate([[True], values[1:] != values[:-1]])[: len(values)]]


def _expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For counts of items per group, each item's group and its position within the group."""
    group = np.repeat(np.arange(len(counts)), counts)
    return group, np.arange(len(group)) - np.repeat(np.cumsum(counts) - counts, counts)


def _spells(rows: QuerySet) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Months [start, end) of each property in which a condition held on the first day, from rows of
    property, the date it began and the date it ended (missing: not yet): property, start, end."""
    prop, began, ended = values_columns(rows, 3)
    _, start = _month_bounds(iso_days(began))
    _, end = _month_bounds(iso_days(ended))
    return np.array(prop, dtype=np.int64), start, end


def _held(
    prop: np.ndarray,
    month: np.ndarray,
    spells: tuple[np.ndarray, np.ndarray, np.ndarray],
    first: int,
    stop: int,
) -> np.ndarray:
    """Whether a spell of the property covers each month (all in [first, stop)): the spells of the property
    begun by the month outnumber those ended by it. The spells' bounds are clipped to [first, stop], which
    changes no answer for months inside, and spells covering no month are left out."""
    spell_property, start, end = spells
    start, end = np.clip(start, first, stop), np.clip(end, first, stop)
    some = start < end
    width = stop - first + 1
    begun = np.sort(spell_property[some] * width + (start[some] - first))
    ended = np.sort(spell_property[some] * width + (end[some] - first))
    key = prop * width + (month - first)
    return np.searchsorted(begun, key, "right") > np.searchsorted(ended, key, "right")


def _housing_benefit_spans(first_month: date, last_month: date, claimants: QuerySet | None = None) -> _Spans:
    """Spans of months [start, end) in which a person's housing benefit went to one home, in one condition,
    within one year. The spans of one person do not overlap."""
    first, stop = _month_ordinal(first_month), _month_ordinal(last_month) + 1
    width = stop - first + 1  # every start and end here is in [first, stop]
    homes = _claimant_homes(first_month, last_month, claimants)

    # Moves: cut each person's months at every start and end of their homes; each piece goes to the winner
    # of the homes that have it, and a home's consecutive pieces join again.
    home_start = homes.person * width + (homes.start - first)
    home_end = homes.person * width + (homes.end - first)
    bounds = _distinct(np.concatenate([home_start, home_end]))
    low = np.searchsorted(bounds, home_start)
    home, nth = _expand(np.searchsorted(bounds, home_end) - low)
    piece = low[home] + nth  # the piece from bounds[piece] to bounds[piece + 1], in order of home and start
    best = np.full(len(bounds), -1)
    np.maximum.at(best, piece, homes.rank[home])
    won = homes.rank[home] == best[piece]
    home, piece = home[won], piece[won]
    joined = np.zeros(len(home), dtype=bool)
    joined[1:] = (home[1:] == home[:-1]) & (piece[1:] == piece[:-1] + 1)
    opens = np.flatnonzero(~joined)
    closes = np.append(opens[1:], len(home))[: len(opens)] - 1
    span_home = home[opens]
    span_start = bounds[piece[opens]] % width + first
    span_end = bounds[piece[closes] + 1] % width + first
    span_property = homes.property[span_home]

    # Then cut at each new year and wherever the home's condition changes (a month a hazard or licence
    # spell starts or ends), inside the span.
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
    change_property = np.concatenate([hazards[0], hazards[0], licences[0], licences[0]])
    change_at = np.concatenate([hazards[1], hazards[2], licences[1], licences[2]])
    inside = (change_at > first) & (change_at < stop)
    new_years = np.arange(first // 12 * 12 + 12, stop, 12)
    spanned = _distinct(span_property)
    cuts = _distinct(
        np.concatenate(
            [
                change_property[inside] * width + (change_at[inside] - first),
                (spanned[:, None] * width + (new_years - first)).ravel(),
            ]
        )
    )
    low = np.searchsorted(cuts, span_property * width + (span_start - first), "right")
    count = np.searchsorted(cuts, span_property * width + (span_end - first), "left") - low
    span, nth = _expand(count + 1)  # piece nth of a span runs from its cut nth - 1 to its cut nth
    at = np.append(cuts % width + first, 0)  # the cuts' months, and a stand-in read only where not used
    cut = low[span] + nth
    start = np.where(nth == 0, span_start[span], at[cut - 1])
    end = np.where(nth == count[span], span_end[span], at[cut])
    home = span_home[span]
    prop = homes.property[home]
    # In the order of the index the sums read, so each span's records sit next to the last one's.
    order = np.lexsort((start, homes.person[home]))
    home, prop, start, end = home[order], prop[order], start[order], end[order]
    return _Spans(
        person=homes.person[home],
        household=homes.household[home],
        property=prop,
        area=homes.area[home],
        is_hmo=homes.is_hmo[home],
        start=start,
        end=end,
        year=start // 12 + 1970,
        category_1=_held(prop, start, hazards, first, stop),
        licensed=_held(prop, start, licences, first, stop),
    )


def _spans_table(spans: _Spans) -> tuple[str, list]:
    """The spans as a derived table for a query, and its parameters: span (its position), person, and the
    first days of its first month (starts) and of the month after its last (ends). The months travel as
    whole numbers (since January 1970), one array each, unnested, on PostgreSQL; on SQLite, one JSON array
    of text, a span's first days as ISO text (the records' months are stored so) and then its person."""
    if connection.vendor == "postgresql":
        person, start, end = spans.person.tolist(), spans.start.tolist(), spans.end.tolist()
        return (
            "SELECT t.n - 1 AS span, t.person, (DATE '1970-01-01' + make_interval(months => t.first))::date "
            "AS starts, (DATE '1970-01-01' + make_interval(months => t.stop))::date AS ends "
            "FROM unnest(%s::integer[], %s::integer[], %s::integer[]) WITH ORDINALITY AS t(person, first, stop, n)",
            # Array literals written here in one join each: the driver's per-element array dumping cost
            # more than the rest of the dashboard's figures.
            [_int_array(person), _int_array(start), _int_array(end)],
        )
    # SQLite: each span one string of fixed width, cut up with substr() (json_extract() parsed a span's
    # array again for each of its three fields, a fifth of the query): the first days of its first month
    # and of the month after its last as ISO text (the records' months are stored so; date() in the query
    # for each span cost a quarter of the query), then its person with leading zeros. The strings are
    # written as the bytes of one array, a row each, with no Python string per span.
    low = spans.start.min()  # (each span starts before it ends)
    months = np.arange(low, spans.end.max() + 1)
    first_days = np.datetime_as_string(months.astype("datetime64[M]").astype("datetime64[D]")).astype("S10")
    days = first_days.view(np.uint8).reshape(-1, 10)
    width = len(str(spans.person.max()))
    text = np.empty((len(spans), 23 + width), dtype=np.uint8)  # "startend person",
    text[:, 0] = text[:, 21 + width] = ord('"')
    text[:, 1:11] = days[spans.start - low]
    text[:, 11:21] = days[spans.end - low]
    text[:, 21 : 21 + width] = spans.person[:, None] // 10 ** np.arange(width - 1, -1, -1) % 10 + ord("0")
    text[:, 22 + width] = ord(",")
    return (
        "SELECT key AS span, CAST(substr(value, 21) AS INTEGER) AS person, substr(value, 1, 10) AS starts, "
        "substr(value, 11, 10) AS ends FROM json_each(%s)",
        ["[" + text.tobytes()[:-1].decode("ascii") + "]"],
    )


def _int_array(values: list[int]) -> str:
    """A PostgreSQL integer array literal ('{1,2,3}'), cast to integer[] by the query."""
    return "{" + ",".join(map(str, values)) + "}"


def _housing_benefit_sql(select: str, spans: _Spans) -> tuple[str, list]:
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
    if not len(spans):
        return pd.DataFrame(columns=columns)
    sql, params = _housing_benefit_sql(
        # CROSS JOIN keeps the spans as the outer loop on SQLite: each one is a range of the index.
        "SELECT s.span, SUBSTR(CAST(b.month AS TEXT), 1, 7), b.amount FROM spans s CROSS JOIN {records} b "
        "WHERE {where} ORDER BY 2, 1",
        spans,
    )
    paid = sql_frame(sql, params, ["span", "period", "amount"])
    span = paid["span"].to_numpy(dtype=np.int64)
    return pd.DataFrame(
        {
            "period": paid["period"],
            "household": spans.household[span],
            "property": spans.property[span],
            "amount": paid["amount"].astype(float),
            "is_hmo": spans.is_hmo[span],
            "licensed": spans.licensed[span],
            "open_category_1": spans.category_1[span],
        }
    )


def _span_pennies(spans: _Spans, ledger: Ledger | None) -> np.ndarray:
    """The pennies paid in each span, -1 for a span with no record: from the ledger if given (up to date
    with the records: two look-ups a span), otherwise from the records (one index range a span)."""
    if ledger is not None:
        return ledger.sums(spans.person, spans.start, spans.end)
    # One sum a span, in the spans' order: SQLite's json_each gives its rows in the array's order, and
    # PostgreSQL is told to. Without the spans' numbers the driver builds fifty thousand values fewer. A
    # span without records sums to -1 (amounts are never negative), not NULL: a NULL alone on a line of
    # PostgreSQL's CSV would be a blank line, which the reader skips.
    select = (
        "SELECT COALESCE((SELECT CAST(SUM(b.amount) AS double precision) FROM {records} b WHERE {where}), -1) "
        "FROM spans s"
    )
    if connection.vendor == "postgresql":
        select += " ORDER BY s.span"
    sql, params = _housing_benefit_sql(select, spans)
    amount = columns_frame(sql, params, {"amount": "float64"})["amount"].to_numpy()
    # Back to whole pennies: the sum of a span's few amounts is within far less than half a penny of them.
    return np.where(amount >= 0, np.rint(amount * 100), -1).astype(np.int64)


def housing_benefit_by_ward(
    *, first_month: date = date(2006, 1, 1), last_month: date = date(2015, 12, 1)
) -> pd.DataFrame:
    """Housing benefit by ward of the home and year, split as in the housing evidence: area, year,
    housing_benefit, into_category_1_homes, into_unlicensed_hmos, homes, category_1_homes, unlicensed_hmos.

    Each span's records are summed (`_span_pennies`) and the spans' sums added up by ward and year, exactly,
    in pennies. A home counts in a year when any record was paid into it."""
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
    ledger = current_ledger()
    claimants = HousingBenefitLedger.objects.values("person_id") if ledger is not None else None
    spans = _housing_benefit_spans(first_month, last_month, claimants)
    if not len(spans):
        return pd.DataFrame(columns=columns)
    pennies = _span_pennies(spans, ledger)
    span = np.flatnonzero(pennies >= 0)
    pennies = pennies[span]
    # Ward and year as one whole number per span, in the order of the GSS code and then the year.
    ward, wards = pd.factorize(spans.area[span])
    ward = np.argsort(np.argsort(wards))[ward]
    year = spans.year[span]
    first_year = year.min() if len(year) else 0
    years = year.max() - first_year + 1 if len(year) else 1
    group = ward * years + (year - first_year)
    groups, group = np.unique(group, return_inverse=True)
    category_1 = spans.category_1[span]
    unlicensed = spans.is_hmo[span] & ~spans.licensed[span]

    def pounds(paid: np.ndarray) -> np.ndarray:
        """Each group's sum of the pennies, exact (whole numbers well under 2**53), in pounds."""
        return np.bincount(group, weights=paid, minlength=len(groups)) / 100

    home = spans.property[span]
    homes_each = home.max(initial=0) + 1

    def homes(paid: np.ndarray) -> np.ndarray:
        """The number of distinct homes in each group among the spans `paid` selects."""
        pairs = _distinct(group[paid] * homes_each + home[paid])
        return np.bincount(pairs // homes_each, minlength=len(groups))

    group_ward, group_year = np.divmod(groups, years)
    return pd.DataFrame(
        {
            "area": pd.Series(np.sort(wards)[group_ward], dtype=str),
            "year": pd.Series(group_year + first_year).astype(str),
            "housing_benefit": pounds(pennies),
            "into_category_1_homes": pounds(np.where(category_1, pennies, 0)),
            "into_unlicensed_hmos": pounds(np.where(unlicensed, pennies, 0)),
            "homes": homes(np.ones(len(span), dtype=bool)),
            "category_1_homes": homes(category_1),
            "unlicensed_hmos": homes(unlicensed),
        },
        columns=columns,
    )

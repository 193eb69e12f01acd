"""Ward dashboards: aggregates per ward (or the wards combined) and period, published through disclosure.

Who sees them (the rule lives here, for the pages and their CSV downloads alike):
- a ward manager: their own wards, one at a time or combined, with caseloads by named worker;
- a policy lead: the target wards, one at a time or combined, with caseloads by agency (never a person);
- caseworkers, housing officers and the data protection officer: no dashboards. Their work is with
  records, which their own pages show; the dashboards are the management and evidence view.
Every count on every dashboard passes through `disclosure.publish`, whoever looks.

The aggregates are computed for all wards and years at once (about half a second on the full demo, most of
it the housing benefit sums, done in the database) and cached, keyed on a cheap fingerprint of the data
(`data_version`); each rendered (audience, wards, period) dashboard is cached on the same key.
"""

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd
from django.core.cache import cache
from django.db import connection
from django.db.models import Model
from django.template.loader import render_to_string
from django.utils import timezone

from households.models import HazardFinding, Household, Licence, Placement, Property, Residence
from interventions.models import Intervention
from jobs.models import Job
from taskforce.org import scoping
from taskforce.org.models import Area, StaffProfile

from . import charts, datasets
from .analysis.placements import notification_status
from .disclosure import SUPPRESSED, Rate, numeric, publish
from .models import AreaStatistic, BenefitRecord

FIRST_YEAR = 2006
COMBINED = "combined"
MANAGER, POLICY = "manager", "policy"
CACHE_SECONDS = 6 * 60 * 60
# The records the dashboards read; see data_version.
VERSIONED: tuple[type[Model], ...] = (
    BenefitRecord,
    AreaStatistic,
    Household,
    Placement,
    Residence,
    Property,
    Licence,
    HazardFinding,
    Intervention,
)


@dataclass(frozen=True)
class Access:
    audience: str
    wards: tuple[Area, ...]


@dataclass(frozen=True)
class Filters:
    codes: tuple[str, ...]
    ward: str  # a GSS code or COMBINED
    label: str
    first_year: int
    last_year: int

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))

    def query(self) -> str:
        return f"ward={self.ward}&from={self.first_year}&to={self.last_year}"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "count"  # count, rate (percent), money, ratio, points, text


@dataclass(frozen=True)
class Panel:
    slug: str
    title: str
    summary: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]  # published values in column order
    svg: str
    notes: tuple[str, ...] = field(default_factory=tuple)
    html: str = (
        ""  # the rendered section, cached with the panel: re-rendering its table costs more than the rest
    )

    def display_rows(self) -> list[list[str]]:
        return [[_format(v, c.kind) for v, c in zip(row, self.columns, strict=True)] for row in self.rows]


def _format(value: Any, kind: str) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ".."
    if value == SUPPRESSED or kind == "text" or isinstance(value, str):
        return str(value)
    number = float(value)
    if kind == "count":
        return f"{round(number):,}"
    if kind == "rate":
        return f"{number:.1f}%"
    if kind == "money":
        return f"£{number:,.0f}"
    if kind == "points":
        return f"{number:.1f}"
    if kind == "p":
        return "< 0.001" if number < 0.001 else f"{number:.3f}"
    return f"{number:.2f}"


def dashboard_access(user: scoping.User | None) -> Access | None:
    """Which wards the user may see dashboards of, and as which audience; None for no dashboards."""
    profile = scoping.profile_of(user)
    if profile is None:
        return None
    if profile.role == StaffProfile.Role.WARD_MANAGER:
        wards = tuple(profile.wards.filter(type=Area.Type.WARD).order_by("name"))
        return Access(MANAGER, wards) if wards else None
    if profile.role == StaffProfile.Role.POLICY_LEAD:
        return Access(POLICY, tuple(Area.objects.filter(is_target=True).order_by("name")))
    return None


def filters_from(params: Any, access: Access, *, latest_year: int | None = None) -> Filters:
    """The filters asked for in the query string, falling back to all the user's wards and every year with
    data (`latest_year`)."""
    today = timezone.localdate()
    by_code = {w.gss_code: w for w in access.wards}
    ward = params.get("ward", COMBINED)
    codes: tuple[str, ...]
    if ward in by_code:
        codes, label = (ward,), by_code[ward].name
    else:
        ward, codes = COMBINED, tuple(sorted(by_code))
        label = " and ".join(w.name for w in access.wards) if len(codes) <= 2 else "Wards combined"

    def year(name: str, default: int) -> int:
        try:
            value = int(params.get(name, default))
        except (TypeError, ValueError):
            return default
        return min(max(value, FIRST_YEAR), today.year)

    first, last = year("from", FIRST_YEAR), year("to", min(latest_year or today.year, today.year))
    if first > last:
        first, last = last, first
    return Filters(codes=codes, ward=ward, label=label, first_year=first, last_year=last)


def _fingerprint(models: tuple[type[Model], ...], *, with_jobs: bool = False) -> str:
    parts = []
    for model in models:
        # Table names come from model metadata, quoted: nothing here is user input.
        table = connection.ops.quote_name(model._meta.db_table)
        parts.append(f"(SELECT MAX(id) FROM {table})")  # noqa: S608
        history = getattr(model, "history", None)
        if history is not None:
            history_table = connection.ops.quote_name(history.model._meta.db_table)
            parts.append(f"(SELECT MAX(history_id) FROM {history_table})")  # noqa: S608
    if with_jobs:
        # Bulk imports and demo loads update rows without history; the job that ran them marks the change.
        jobs = connection.ops.quote_name(Job._meta.db_table)
        parts.append(f"(SELECT MAX(finished_at) FROM {jobs} WHERE kind IN ('import', 'load_demo'))")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        row = cursor.fetchone()
    return hashlib.sha256(repr(row).encode()).hexdigest()[:16]


def data_version() -> str:
    """A fingerprint of the records the dashboards read, from index lookups: the highest id of each table
    (new rows), the highest history id (changes and deletions through the ORM and the services), and the
    last finished import or demo load (bulk writes, which keep no history)."""
    return _fingerprint(VERSIONED, with_jobs=True)


def _facts(version: str) -> dict[str, Any]:
    key = f"outcomes:dashboard-facts:{version}"
    facts = cache.get(key)
    if facts is None:
        facts = _compute_facts()
        cache.set(key, facts, CACHE_SECONDS)
    return facts


def _compute_facts() -> dict[str, Any]:
    targets = datasets.target_codes()
    wards = list(
        Area.objects.filter(type=Area.Type.WARD, staff__role=StaffProfile.Role.WARD_MANAGER).values_list(
            "gss_code", flat=True
        )
    )
    reference = datasets.reference_code()
    areas = sorted({*targets, *wards, reference})
    stats = datasets.area_statistics(
        measures=["out_of_work_claimants", "working_age_population", "benefit_spend", "population"],
        areas=areas,
    )
    today = timezone.localdate()
    placements = datasets.placements_frame()
    placements["status"] = [
        notification_status(n, d, today=today)
        for n, d in zip(placements["notified_on"].tolist(), placements["due_on"].tolist(), strict=True)
    ]
    years = [int(p[:4]) for p in stats["period"]]
    return {
        "latest_year": max(years) if years else None,
        "reference": reference,
        "stats": stats[["area", "frequency", "period", "measure", "value"]],
        "placements": placements[["area", "authority", "type", "year", "status"]],
        "interventions": datasets.dashboard_interventions(),
        "households": datasets.dashboard_households(),
        "moves": datasets.dashboard_moves(),
        "housing": datasets.dashboard_housing(),
        "housing_benefit": datasets.housing_benefit_by_ward(),
    }


def dashboard_for(access: Access, params: Any) -> tuple[Filters, list[Panel]]:
    """The filters from the query string and every panel for them, published, charted and cached."""
    version = data_version()
    facts = _facts(version)
    filters = filters_from(params, access, latest_year=facts["latest_year"])
    return filters, _panels(version, facts, filters, access.audience)


def _panels(version: str, facts: dict[str, Any], filters: Filters, audience: str) -> list[Panel]:
    base = f"outcomes:dashboard:{version}:{audience}:{','.join(filters.codes)}:{filters.first_year}-{filters.last_year}"
    # Worker names on the caseload chart change with staff records, not case records.
    staff = _fingerprint((StaffProfile,))
    keys = {slug: f"{base}:{slug}" + (f":{staff}" if slug == "caseload" else "") for slug in PANELS}
    found = cache.get_many(list(keys.values()))
    panels = []
    for slug, build in PANELS.items():
        panel = found.get(keys[slug])
        if panel is None:
            panel = build(facts, filters, audience)
            panel = replace(
                panel, html=render_to_string("outcomes/_panel.html", {"panel": panel, "filters": filters})
            )
            cache.set(keys[slug], panel, CACHE_SECONDS)
        panels.append(panel)
    return panels


def _year_index(filters: Filters) -> pd.Index:
    return pd.Index([str(y) for y in filters.years], name="year")


def _rows(table: pd.DataFrame, columns: tuple[Column, ...], *, index_key: str | None = None) -> tuple:
    rows = []
    for label, row in zip(table.index, table.to_dict(orient="records"), strict=True):
        rows.append(tuple(label if c.key == index_key else row[c.key] for c in columns))
    return tuple(rows)


def _shown(value: Any) -> float | None:
    """A published figure as a number, or None where it is suppressed or missing."""
    return None if value == SUPPRESSED or pd.isna(value) else float(value)


def _last_shown(table: pd.DataFrame, column: str) -> tuple[str, Any] | None:
    for label, value in reversed(list(zip(table.index, table[column], strict=True))):
        if value != SUPPRESSED and not pd.isna(value):
            return str(label), value
    return None


def _dependency(facts: dict[str, Any], filters: Filters, audience: str) -> Panel:
    stats = facts["stats"]
    # astype(str): with no figures at all the empty period column is not text.
    monthly = stats[stats["frequency"] == "month"].assign(year=lambda f: f["period"].astype(str).str[:4])

    def yearly(codes: list[str]) -> pd.DataFrame:
        rows = monthly[monthly["area"].isin(codes)]
        wide = rows.pivot_table(index=["year", "period"], columns="measure", values="value", aggfunc="sum")
        if wide.empty:
            return pd.DataFrame(columns=["claimants", "population", "rate"])
        # A measure with no figures (claimants published, population not yet) is a column of gaps.
        by_year = (
            wide.reindex(columns=["out_of_work_claimants", "working_age_population"]).groupby("year").mean()
        )
        return pd.DataFrame(
            {
                "claimants": by_year["out_of_work_claimants"],
                "population": by_year["working_age_population"],
            }
        ).assign(rate=lambda f: 100 * f["claimants"] / f["population"])

    ward = yearly(list(filters.codes)).reindex(_year_index(filters))
    kent = yearly([facts["reference"]]).reindex(_year_index(filters))
    table = pd.DataFrame(
        {
            "claimants": ward["claimants"].round(),
            "population": ward["population"].round(),
            "rate": ward["rate"],
            "kent_rate": kent["rate"],
            "kent_population": kent["population"],
            "gap": ward["rate"] - kent["rate"],
        }
    ).dropna(subset=["claimants"])
    published = publish(
        table,
        counts=["claimants", "population"],
        rates={"rate": Rate("population", "claimants"), "kent_rate": "kent_population", "gap": "population"},
    )
    columns = (
        Column("year", "Year", "text"),
        Column("claimants", "Out-of-work claimants (monthly average)"),
        Column("population", "Working-age population"),
        Column("rate", "Out-of-work rate", "rate"),
        Column("kent_rate", "Kent rate", "rate"),
        Column("gap", "Gap (percentage points)", "points"),
    )
    last = _last_shown(published, "rate")
    if last:
        year = last[0]
        kent_rate = _shown(published.loc[year, "kent_rate"])
        summary = (
            f"In {year} {published.loc[year, 'rate']:.1f}% of working-age residents of {filters.label} claimed an "
            "out-of-work benefit"
            + (
                f", against {kent_rate:.1f}% across Kent."
                if kent_rate is not None
                else f"; no Kent figure for {year} is published."
            )
        )
    else:
        summary = "No published out-of-work figures for these wards and years."
    x = [int(y) for y in published.index]
    svg = charts.line_chart(
        slug="dependency",
        title=f"Out-of-work dependency rate, {filters.label} and Kent, {filters.first_year}-{filters.last_year}",
        description=summary,
        x=x,
        series={filters.label: numeric(published["rate"]), "Kent average": numeric(published["kent_rate"])},
        ylabel="% of working-age population",
    )
    return Panel(
        "dependency",
        "Out-of-work dependency rate against the Kent average",
        summary,
        columns,
        _rows(published, columns, index_key="year"),
        svg,
        ("Annual averages of monthly figures. Rates from working-age population estimates.",),
    )


def _spend(facts: dict[str, Any], filters: Filters, audience: str) -> Panel:
    stats = facts["stats"]
    yearly = stats[stats["frequency"] == "year"]

    def totals(codes: list[str]) -> pd.DataFrame:
        rows = yearly[yearly["area"].isin(codes)]
        wide = rows.pivot_table(index="period", columns="measure", values="value", aggfunc="sum")
        return wide.reindex(columns=["benefit_spend", "population"])

    ward = totals(list(filters.codes)).reindex(_year_index(filters))
    kent = totals([facts["reference"]]).reindex(_year_index(filters))
    table = pd.DataFrame(
        {
            "spend": ward["benefit_spend"],
            "population": ward["population"].round(),
            "per_head": ward["benefit_spend"] / ward["population"],
            "kent_per_head": kent["benefit_spend"] / kent["population"],
            "kent_population": kent["population"],
        }
    ).dropna(subset=["spend"])
    table["ratio"] = table["per_head"] / table["kent_per_head"]
    published = publish(
        table,
        counts=["population"],
        rates={
            "spend": "population",
            "per_head": "population",
            "kent_per_head": "kent_population",
            "ratio": "population",
        },
    )
    columns = (
        Column("year", "Year", "text"),
        Column("spend", "Benefit spend", "money"),
        Column("population", "Population"),
        Column("per_head", "Spend per head", "money"),
        Column("kent_per_head", "Kent spend per head", "money"),
        Column("ratio", "Times the Kent average", "ratio"),
    )
    last = _last_shown(published, "per_head")
    if last:
        year = last[0]
        ratio, kent_per_head = (_shown(published.loc[year, c]) for c in ("ratio", "kent_per_head"))
        summary = (
            f"In {year} benefit spend in {filters.label} was £{published.loc[year, 'per_head']:,.0f} a head"
            + (
                f", {ratio:.1f} times the Kent average of £{kent_per_head:,.0f}."
                if ratio is not None and kent_per_head is not None
                else f"; no Kent figure for {year} is published."
            )
        )
    else:
        summary = "No published benefit spend for these wards and years."
    svg = charts.line_chart(
        slug="spend",
        title=f"Benefit spend per head, {filters.label} and Kent",
        description=summary,
        x=[int(y) for y in published.index],
        series={
            filters.label: numeric(published["per_head"]),
            "Kent average": numeric(published["kent_per_head"]),
        },
        ylabel="£ per head a year",
    )
    return Panel(
        "spend",
        "Benefit spend against the Kent average",
        summary,
        columns,
        _rows(published, columns, index_key="year"),
        svg,
        ("Spend in cash terms. The gap to the Kent average is descriptive, not an estimate of impact.",),
    )


def _in_period(frame: pd.DataFrame, filters: Filters, year_column: str = "year") -> pd.DataFrame:
    years = frame[year_column].astype(str)
    return frame[
        frame["area"].isin(filters.codes) & years.between(str(filters.first_year), str(filters.last_year))
    ]


def _one_way(counts: pd.Series, label: str) -> pd.DataFrame:
    table = counts.rename("placements").to_frame()
    table.index.name = label
    table.loc["Total"] = counts.sum()
    return table


def _placements_by(facts: dict[str, Any], filters: Filters, by: str, slug: str, title: str) -> Panel:
    rows = _in_period(facts["placements"], filters)
    counts = rows.groupby(by).size().sort_values(ascending=False)
    table = _one_way(counts, by)
    published = publish(table, counts=["placements"], total_row="Total")
    columns = (
        Column(by, "Placing authority" if by == "authority" else "Type of placement", "text"),
        Column("placements", "Placements"),
    )
    total = published.loc["Total", "placements"]
    summary = (
        f"{_format(total, 'count')} placements into {filters.label} from {filters.first_year} to "
        f"{filters.last_year}" + (f"; most from {counts.index[0]}." if len(counts) else ".")
    )
    body = published.drop(index="Total")
    svg = charts.bar_chart(
        slug=slug,
        title=f"{title}, {filters.label}, {filters.first_year}-{filters.last_year}",
        description=summary,
        categories=[str(i) for i in body.index],
        series={"Placements": numeric(body["placements"])},
        ylabel="Placements",
        horizontal=True,
    )
    return Panel(
        slug,
        title,
        summary,
        columns,
        _rows(published, columns, index_key=by),
        svg,
        ("Placements by other authorities into homes in these wards, by the date placed.",),
    )


def _placements_by_authority(facts: dict[str, Any], filters: Filters, audience: str) -> Panel:
    return _placements_by(
        facts, filters, "authority", "placements-authority", "Placements by placing authority"
    )


def _placements_by_type(facts: dict[str, Any], filters: Filters, audience: str) -> Panel:
    return _placements_by(facts, filters, "type", "placements-type", "Placements by type")


STATUSES = ("on time", "late", "missing", "pending", "no statutory rule")


def _compliance(facts: dict[str, Any], filters: Filters, audience: str) -> Panel:
    rows = _in_period(facts["placements"], filters)
    table = (
        rows.assign(year=rows["year"].astype(str))
        .pivot_table(index="year", columns="status", values="authority", aggfunc="size", fill_value=0)
        .reindex(index=_year_index(filters), columns=list(STATUSES), fill_value=0)
        .fillna(0)
    )
    table.columns = [c.replace(" ", "_") for c in table.columns]
    table["total"] = table.sum(axis=1)
    table.loc["Total"] = table.sum(axis=0)
    table["judged"] = table["on_time"] + table["late"] + table["missing"]
    table["on_time_rate"] = 100 * table["on_time"] / table["judged"].where(table["judged"] > 0)
    counts = ["on_time", "late", "missing", "pending", "no_statutory_rule", "total"]
    published = publish(
        table,
        counts=counts,
        rates={"on_time_rate": Rate("judged", "on_time")},
        total_row="Total",
        total_column="total",
    )
    columns = (
        Column("year", "Year placed", "text"),
        Column("on_time", "Notified on time"),
        Column("late", "Notified late"),
        Column("missing", "No notification"),
        Column("pending", "Not yet due"),
        Column("no_statutory_rule", "No statutory duty"),
        Column("total", "All placements"),
        Column("on_time_rate", "On time (of those due)", "rate"),
    )
    rate = published.loc["Total", "on_time_rate"]
    summary = (
        f"Placing authorities notified on time for {rate:.0f}% of placements into {filters.label} that needed notice."
        if rate != SUPPRESSED and not pd.isna(rate)
        else f"Too few placements into {filters.label} in this period to publish a compliance rate."
    )
    body = published.drop(index="Total")
    svg = charts.bar_chart(
        slug="compliance",
        title=f"Notification of placements, {filters.label}",
        description=summary,
        categories=[str(i) for i in body.index],
        series={c.label: numeric(body[c.key]) for c in columns[1:6]},
        ylabel="Placements",
    )
    return Panel(
        "compliance",
        "Notification compliance by placing authorities",
        summary,
        columns,
        _rows(published, columns, index_key="year"),
        svg,
        (
            "Housing Act 1996 s208: notice within 14 days; looked-after children: before placement or "
            "within 5 working days in an emergency.",
        ),
    )


def _year_end(year: int) -> str:
    return f"{year}-12-31"


def _housing(facts: dict[str, Any], filters: Filters, audience: str) -> Panel:
    housing = facts["housing"]
    hazards = housing["hazards"][housing["hazards"]["area"].isin(filters.codes)]
    licences = housing["licences"][housing["licences"]["area"].isin(filters.codes)]
    homes = housing["homes"][housing["homes"]["area"].isin(filters.codes)]
    # ISO dates compare as text; each column is converted once, not once a year.
    found, remedied = hazards["found_on"].astype(str), hazards["remedied_on"].astype(str).fillna("")
    not_remedied = hazards["remedied_on"].isna().to_numpy()
    found_year, remedied_year = found.str[:4].to_numpy(), remedied.str[:4].to_numpy()
    found, remedied = found.to_numpy(), remedied.to_numpy()
    starts = licences["starts_on"].astype(str).to_numpy()
    expires = licences["expires_on"].astype(str).to_numpy()
    records = []
    for year in filters.years:
        end, y = _year_end(year), str(year)
        open_at_end = (found <= end) & (not_remedied | (remedied > end))
        in_force = (starts <= end) & (expires > end)
        records.append(
            {
                "year": y,
                "found": int((found_year == y).sum()),
                "remedied": int((remedied_year == y).sum()),
                "open": int(open_at_end.sum()),
                "licences": int(in_force.sum()),
            }
        )
    table = pd.DataFrame(records).set_index("year")
    published = publish(table, counts=["found", "remedied", "open", "licences"])
    hmos = publish(pd.DataFrame({"n": [int(homes["is_hmo"].astype(bool).sum())]}), counts=["n"]).loc[0, "n"]
    columns = (
        Column("year", "Year", "text"),
        Column("found", "Category 1 hazards found"),
        Column("remedied", "Category 1 hazards remedied"),
        Column("open", "Open at year end"),
        Column("licences", "HMO licences in force at year end"),
    )
    last = published.iloc[-1]
    summary = (
        f"{_format(hmos, 'count')} homes in {filters.label} are recorded as HMOs; at the end of "
        f"{published.index[-1]}, {_format(last['open'], 'count')} Category 1 hazards were open and "
        f"{_format(last['licences'], 'count')} HMO licences were in force."
    )
    svg = charts.line_chart(
        slug="housing",
        title=f"Category 1 hazards and HMO licences, {filters.label}",
        description=summary,
        x=[int(y) for y in published.index],
        series={c.label: numeric(published[c.key]) for c in columns[1:]},
        ylabel="Hazards or licences",
        mark_start=False,
    )
    return Panel(
        "housing",
        "Housing conditions: HMOs, licences and Category 1 hazards",
        summary,
        columns,
        _rows(published, columns, index_key="year"),
        svg,
        ("Hazards are HHSRS Category 1 (score 1,000 or more) found at inspection.",),
    )


def _housing_benefit(facts: dict[str, Any], filters: Filters, audience: str) -> Panel:
    rows = _in_period(facts["housing_benefit"], filters)
    sums = rows.groupby("year")[
        [
            "housing_benefit",
            "into_category_1_homes",
            "into_unlicensed_hmos",
            "homes",
            "category_1_homes",
            "unlicensed_hmos",
        ]
    ].sum()
    table = sums.reindex(_year_index(filters)).dropna(how="all")
    table["share"] = 100 * table["into_category_1_homes"] / table["housing_benefit"]
    published = publish(
        table,
        counts=["homes", "category_1_homes", "unlicensed_hmos"],
        rates={
            "housing_benefit": "homes",
            "into_category_1_homes": Rate("category_1_homes", "category_1_homes"),
            "into_unlicensed_hmos": Rate("unlicensed_hmos", "unlicensed_hmos"),
            "share": Rate("category_1_homes", "category_1_homes"),
        },
    )
    columns = (
        Column("year", "Year", "text"),
        Column("housing_benefit", "Housing benefit paid", "money"),
        Column("homes", "Homes paid for"),
        Column("into_category_1_homes", "Into homes with an open Category 1 hazard", "money"),
        Column("category_1_homes", "Those homes"),
        Column("share", "Share of housing benefit", "rate"),
        Column("into_unlicensed_hmos", "Into HMOs without a licence", "money"),
        Column("unlicensed_hmos", "Those HMOs"),
    )
    shown = [
        (y, v)
        for y, v in zip(published.index, published["into_category_1_homes"], strict=True)
        if v != SUPPRESSED
    ]
    if shown:
        total = sum(float(v) for _, v in shown)
        summary = (
            f"£{total:,.0f} of housing benefit was paid into homes in {filters.label} with an open Category 1 hazard "
            f"in the years shown."
        )
    else:
        summary = f"Too few homes with open Category 1 hazards in {filters.label} to publish the amounts."
    svg = charts.bar_chart(
        slug="housing-benefit",
        title=f"Housing benefit paid into poor homes, {filters.label}",
        description=summary,
        categories=[str(i) for i in published.index],
        series={
            "Open Category 1 hazard": numeric(published["into_category_1_homes"]),
            "HMO without a licence": numeric(published["into_unlicensed_hmos"]),
        },
        ylabel="£ a year",
        stacked=False,
    )
    return Panel(
        "housing-benefit",
        "Housing benefit paid into homes with open Category 1 hazards or no licence",
        summary,
        columns,
        _rows(published, columns, index_key="year"),
        svg,
        (
            "Homes never inspected count as having no known hazard: the amounts are a lower bound. "
            "Amounts are shown only where at least 10 homes are paid for.",
        ),
    )


INTERVENTION_STATUSES = ("referred", "active", "completed", "withdrawn")


def _interventions(facts: dict[str, Any], filters: Filters, audience: str) -> Panel:
    frame = facts["interventions"]
    rows = frame[frame["area"].isin(filters.codes)]
    rows = rows[
        rows["referred_on"].astype(str).str[:4].between(str(filters.first_year), str(filters.last_year))
    ]
    table = (
        rows.pivot_table(
            index=["agency", "service"], columns="status", values="worker", aggfunc="size", fill_value=0
        )
        .reindex(columns=list(INTERVENTION_STATUSES), fill_value=0)
        .fillna(0)
    )
    table.index = [f"{a}: {s}" for a, s in table.index]
    table["total"] = table.sum(axis=1)
    table.loc["Total"] = table.sum(axis=0)
    published = publish(
        table, counts=[*INTERVENTION_STATUSES, "total"], total_row="Total", total_column="total"
    )
    columns = (
        Column("service", "Agency: service", "text"),
        *(Column(s, s.capitalize()) for s in INTERVENTION_STATUSES),
        Column("total", "All"),
    )
    summary = (
        f"{_format(published.loc['Total', 'total'], 'count')} interventions with households in {filters.label} were "
        f"referred from {filters.first_year} to {filters.last_year}, across {len(table) - 1} services."
    )
    body = published.drop(index="Total")
    svg = charts.bar_chart(
        slug="interventions",
        title=f"Interventions by agency, service and status, {filters.label}",
        description=summary,
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
        _rows(published, columns, index_key="service"),
        svg,
        ("By the date of referral.",),
    )


def _caseload(facts: dict[str, Any], filters: Filters, audience: str) -> Panel:
    end = _year_end(filters.last_year)
    households = facts["households"]
    open_cases = households[
        households["area"].isin(filters.codes)
        & (households["opened_on"].astype(str) <= end)
        & (households["closed_on"].isna() | (households["closed_on"].astype(str) > end))
    ]
    frame = facts["interventions"]
    active = frame[
        frame["area"].isin(filters.codes)
        & (frame["started_on"].astype(str) <= end)
        & frame["started_on"].notna()
        & (frame["ended_on"].isna() | (frame["ended_on"].astype(str) > end))
    ]
    workers = {
        p.pk: (p.user.get_full_name() or p.user.get_username(), p.agency.name)
        for p in StaffProfile.objects.select_related("user", "agency")
    }
    cases = open_cases.dropna(subset=["key_worker"]).groupby("key_worker").size()
    work = active.dropna(subset=["worker"]).groupby("worker").size()
    ids = sorted(set(cases.index) | set(work.index))
    per_worker = pd.DataFrame(
        {
            "worker": [workers.get(int(i), (f"Worker {i}", "Unknown agency"))[0] for i in ids],
            "agency": [workers.get(int(i), ("", "Unknown agency"))[1] for i in ids],
            "cases": [int(cases.get(i, 0)) for i in ids],
            "interventions": [int(work.get(i, 0)) for i in ids],
        }
    )
    if audience == MANAGER:
        # astype(object): with no worker in the period the empty agency column is not text.
        table = per_worker.set_index("worker")[["agency", "cases", "interventions"]].astype(
            {"agency": object}
        )
        index_key, label = "worker", "Worker"
    else:
        table = per_worker.groupby("agency").agg(
            workers=("worker", "size"), cases=("cases", "sum"), interventions=("interventions", "sum")
        )
        table["per_worker"] = table["cases"] / table["workers"]
        index_key, label = "agency", "Agency"
    table.loc["Total", ["cases", "interventions"]] = table[["cases", "interventions"]].sum()
    if audience == MANAGER:
        table.loc["Total", "agency"] = ""
        published = publish(table, counts=["cases", "interventions"], total_row="Total")
        columns: tuple[Column, ...] = (
            Column("worker", label, "text"),
            Column("agency", "Agency", "text"),
            Column("cases", "Open households as key worker"),
            Column("interventions", "Active interventions"),
        )
    else:
        table.loc["Total", "workers"] = table["workers"].iloc[:-1].sum()
        key_workers = table.loc["Total", "workers"]
        table.loc["Total", "per_worker"] = (
            table.loc["Total", "cases"] / key_workers if key_workers else float("nan")
        )
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
        f"At the end of {filters.last_year}, {_format(published.loc['Total', 'cases'], 'count')} open households in "
        f"{filters.label} had a key worker."
    )
    body = published.drop(index="Total")
    svg = charts.bar_chart(
        slug="caseload",
        title=f"Caseload per {'worker' if audience == MANAGER else 'agency'}, {filters.label}, end of {filters.last_year}",
        description=summary,
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
        _rows(published, columns, index_key=index_key),
        svg,
        (
            "Open households whose key worker the person is, and interventions they are delivering, at the "
            "end of the last year chosen.",
        ),
    )


def _transience(facts: dict[str, Any], filters: Filters, audience: str) -> Panel:
    moves = facts["moves"]
    moves = moves[moves["area"].isin(filters.codes)].sort_values(["household", "moved_in"])
    later = moves[moves.duplicated("household", keep="first")]  # a household's first home is not a move
    move_years = later["moved_in"].astype(str).str[:4].to_numpy()
    households = facts["households"]
    households = households[households["area"].isin(filters.codes)]
    opened = households["opened_on"].astype(str).to_numpy()
    closed = households["closed_on"].astype(str).fillna("").to_numpy()
    still_open = households["closed_on"].isna().to_numpy()
    records = []
    for year in filters.years:
        start, end = f"{year}-01-01", _year_end(year)
        present = (opened <= end) & (still_open | (closed >= start))
        records.append(
            {
                "year": str(year),
                "households": int(present.sum()),
                "moves": int((move_years == str(year)).sum()),
            }
        )
    table = pd.DataFrame(records).set_index("year")
    table["rate"] = table["moves"] / table["households"].where(table["households"] > 0)
    published = publish(table, counts=["households", "moves"], rates={"rate": Rate("households", "moves")})
    columns = (
        Column("year", "Year", "text"),
        Column("households", "Households with an open case"),
        Column("moves", "Moves of home"),
        Column("rate", "Moves per household", "ratio"),
    )
    last = _last_shown(published, "rate")
    summary = (
        f"In {last[0]} households in {filters.label} moved home {float(last[1]):.2f} times on average."
        if last
        else f"Too few households in {filters.label} in this period to publish a rate of moves."
    )
    svg = charts.line_chart(
        slug="transience",
        title=f"Moves of home per household, {filters.label}",
        description=summary,
        x=[int(y) for y in published.index],
        series={"Moves per household": numeric(published["rate"])},
        ylabel="Moves per household a year",
    )
    return Panel(
        "transience",
        "Transience: moves per household",
        summary,
        columns,
        _rows(published, columns, index_key="year"),
        svg,
        ("A move is a new home after the first one recorded for a household.",),
    )


PANELS: dict[str, Callable[[dict[str, Any], Filters, str], Panel]] = {
    "dependency": _dependency,
    "spend": _spend,
    "placements-authority": _placements_by_authority,
    "placements-type": _placements_by_type,
    "compliance": _compliance,
    "housing": _housing,
    "housing-benefit": _housing_benefit,
    "interventions": _interventions,
    "caseload": _caseload,
    "transience": _transience,
}


def published_value(value: Any, kind: str) -> Any:
    """A published cell as data: '[c]' and labels as they are, counts as whole numbers, other figures to 4
    decimal places, gaps as None. The CSV downloads and the API's aggregates give cells this way."""
    if value is None or isinstance(value, str):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):  # pandas' missing-value markers
        return None
    if not math.isfinite(number):
        return None
    return round(number) if kind == "count" else round(number, 4)


def panel_csv_rows(panel: Panel) -> tuple[list[str], list[list[Any]]]:
    """The published table as CSV: header and rows of `published_value` cells (a gap is an empty cell)."""
    header = [c.label for c in panel.columns]
    rows = [
        [
            "" if (cell := published_value(v, c.kind)) is None else cell
            for v, c in zip(row, panel.columns, strict=True)
        ]
        for row in panel.rows
    ]
    return header, rows


def dashboard_table(access: Access, params: Any, slug: str) -> tuple[Filters, Panel]:
    """One panel as data (the API's table endpoints): built from the cached aggregates, published like the
    page's, without rendering the rest of the dashboard."""
    facts = _facts(data_version())
    filters = filters_from(params, access, latest_year=facts["latest_year"])
    return filters, PANELS[slug](facts, filters, access.audience)

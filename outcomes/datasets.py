"""The one seam from database rows to DataFrames for the analysis core.

Each function reads with plain `values_list` queries (no model instances) and returns a pandas frame in
the shape `outcomes.analysis` expects. Periods are labelled as in imports: 'YYYY' or 'YYYY-MM'.
"""

from collections.abc import Iterable
from datetime import date

import numpy as np
import pandas as pd
from django.db import connection
from django.db.models import CharField, Min, Q, QuerySet
from django.db.models.functions import Cast

from households.deadlines import notification_due_on
from households.hhsrs import CATEGORY_1_THRESHOLD
from households.models import HazardFinding, Household, Licence, Membership, Placement, Property, Residence
from interventions.models import Intervention
from taskforce.models import Area

from .models import AreaStatistic, BenefitRecord, BenefitType

TASK_FORCE_START = date(2010, 9, 1)


def _frame(rows: QuerySet, columns: list[str]) -> pd.DataFrame:
    """Run a `values_list` query straight through the driver: Django's per-value converters (Decimal, date
    parsing) cost more than the query itself on a million rows. Dates may come back as text (SQLite)."""
    sql, params = rows.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return pd.DataFrame.from_records(cursor.fetchall(), columns=columns)


def _months(values: pd.Series) -> np.ndarray:
    """Monthly period ordinals of dates given as date objects or ISO text."""
    return pd.PeriodIndex(pd.to_datetime(values), freq="M").asi8


def _period_label(frequency: str, start: date) -> str:
    if frequency == "year":
        return f"{start:%Y}"
    if frequency == "quarter":
        return f"{start:%Y}-Q{(start.month - 1) // 3 + 1}"
    if frequency == "month":
        return f"{start:%Y-%m}"
    return start.isoformat()


def area_statistics(
    *, measures: Iterable[str] | None = None, frequency: str | None = None, areas: Iterable[str] | None = None
) -> pd.DataFrame:
    """Long frame: area, name, type, is_target, period, period_start, frequency, measure, value, source."""
    rows = AreaStatistic.objects.all()
    if measures is not None:
        rows = rows.filter(measure__in=list(measures))
    if frequency is not None:
        rows = rows.filter(frequency=frequency)
    if areas is not None:
        rows = rows.filter(area__gss_code__in=list(areas))
    columns = ["area", "name", "type", "is_target", "frequency", "period_start", "measure", "value", "source"]
    frame = pd.DataFrame(
        rows.values_list(
            "area__gss_code",
            "area__name",
            "area__type",
            "area__is_target",
            "frequency",
            "period_start",
            "measure",
            "value",
            "source",
        ),
        columns=columns,
    )
    frame["period"] = [
        _period_label(f, d) for f, d in zip(frame["frequency"], frame["period_start"], strict=True)
    ]
    return frame.sort_values(["area", "measure", "period_start"], ignore_index=True)


def area_panel(measure: str, *, frequency: str = "month", area_type: str = Area.Type.WARD) -> pd.DataFrame:
    """Panel of one measure for every area of a type (the target wards and their comparators): unit, period, value."""
    codes = Area.objects.filter(type=area_type).values_list("gss_code", flat=True)
    frame = area_statistics(measures=[measure], frequency=frequency, areas=codes)
    return frame.rename(columns={"area": "unit"})[["unit", "period", "value"]]


def target_codes() -> list[str]:
    return sorted(Area.objects.filter(is_target=True).values_list("gss_code", flat=True))


def reference_code() -> str:
    """The comparison average: the county the target wards sit in (Kent)."""
    ward = Area.objects.filter(is_target=True).select_related("parent__parent").first()
    county = ward.parent.parent if ward and ward.parent and ward.parent.parent else None
    if county is None:
        county = Area.objects.get(type=Area.Type.COUNTY, gss_code="E10000016")
    return county.gss_code


def household_panel(
    *, first_month: date = date(2006, 1, 1), last_month: date = date(2015, 12, 1)
) -> pd.DataFrame:
    """Household-month panel: household, area (ward code), period, dependent (0/1), benefit (£),
    out_of_work_benefit (£), start (first task-force intervention month, or None), placed, tenure."""
    households = pd.DataFrame(
        Household.objects.values_list("pk", "ward__gss_code", "opened_on", "closed_on"),
        columns=["household", "area", "opened_on", "closed_on"],
    )
    if households.empty:
        return pd.DataFrame(
            columns=[
                "household",
                "area",
                "period",
                "dependent",
                "benefit",
                "out_of_work_benefit",
                "start",
                "placed",
                "tenure",
            ]
        )
    lo, hi = pd.Period(first_month, "M"), pd.Period(last_month, "M")
    opened = pd.PeriodIndex(pd.to_datetime(households["opened_on"]), freq="M")
    closed = pd.PeriodIndex(pd.to_datetime(households["closed_on"].fillna(last_month)), freq="M")
    first = np.maximum(opened.asi8, lo.ordinal)
    last = np.minimum(closed.asi8, hi.ordinal)
    keep = last >= first
    households, first, last = households[keep].reset_index(drop=True), first[keep], last[keep]
    counts = last - first + 1
    ordinal = np.concatenate([np.arange(a, b + 1) for a, b in zip(first, last, strict=True)])
    panel = pd.DataFrame(
        {
            "household": np.repeat(households["household"].to_numpy(), counts),
            "area": np.repeat(households["area"].to_numpy(), counts),
            "ordinal": ordinal,
        }
    )

    # Benefit records -> the household the person belonged to that month.
    members = _frame(
        Membership.objects.values_list("person_id", "household_id", "joined_on", "left_on"),
        ["person", "household", "joined_on", "left_on"],
    )
    members["from"] = _months(members["joined_on"])
    members["to"] = _months(members["left_on"].fillna(last_month))
    out_of_work = set(BenefitType.objects.filter(out_of_work=True).values_list("pk", flat=True))
    records = _frame(
        BenefitRecord.objects.filter(month__gte=first_month, month__lte=last_month)
        .annotate(month_text=Cast("month", CharField()))
        .values_list("person_id", "month_text", "benefit_id", "amount"),
        ["person", "month", "benefit", "amount"],
    )
    records["ordinal"] = _months(records["month"])
    records["amount"] = records["amount"].astype(float)
    records["oow"] = records["benefit"].isin(out_of_work)
    joined = records.merge(members[["person", "household", "from", "to"]], on="person")
    joined = joined[(joined["ordinal"] >= joined["from"]) & (joined["ordinal"] <= joined["to"])]
    joined["oow_amount"] = np.where(joined["oow"], joined["amount"], 0.0)
    monthly = joined.groupby(["household", "ordinal"]).agg(
        benefit=("amount", "sum"), out_of_work_benefit=("oow_amount", "sum"), dependent=("oow", "max")
    )
    panel = panel.merge(monthly, left_on=["household", "ordinal"], right_index=True, how="left")
    panel["benefit"] = panel["benefit"].fillna(0.0)
    panel["out_of_work_benefit"] = panel["out_of_work_benefit"].fillna(0.0)
    panel["dependent"] = panel["dependent"].fillna(False).astype(int)

    # Treatment: the month of the household's first task-force intervention.
    starts = (
        Intervention.objects.filter(started_on__gte=TASK_FORCE_START)
        .values("household_id")
        .annotate(first=Min("started_on"))
        .values_list("household_id", "first")
    )
    start = {h: f"{d:%Y-%m}" for h, d in starts}
    placed = set(Placement.objects.values_list("household_id", flat=True))
    tenure = dict(
        Residence.objects.order_by("household_id", "moved_in").values_list("household_id", "property__tenure")
    )  # later rows overwrite: the latest home
    panel["period"] = pd.PeriodIndex.from_ordinals(panel["ordinal"].to_numpy(), freq="M").strftime("%Y-%m")
    panel["start"] = panel["household"].map(start)
    panel["placed"] = panel["household"].isin(placed)
    panel["tenure"] = panel["household"].map(tenure).fillna("unknown")
    return panel.drop(columns="ordinal")


def household_profiles(*, on: date = date(2010, 8, 1)) -> pd.DataFrame:
    """One row per household present on `on`: covariates for matched comparison (age, size, children,
    tenure, placed, prior dependency) with `treated` (a task-force intervention later on)."""
    present = Household.objects.filter(opened_on__lte=on).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=on)
    )
    ids = list(present.values_list("pk", flat=True))
    members = pd.DataFrame(
        Membership.objects.filter(household_id__in=ids, joined_on__lte=on)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=on))
        .values_list("household_id", "relationship", "person__date_of_birth"),
        columns=["household", "relationship", "dob"],
    )
    members["age"] = [(on - d).days / 365.25 for d in members["dob"]]
    heads = members[members["relationship"] == "head"].groupby("household")["age"].first()
    size = members.groupby("household").size()
    children = members[members["age"] < 16].groupby("household").size()
    panel = household_panel(last_month=on)
    before = panel[panel["period"] < f"{on:%Y-%m}"]
    prior = (
        before[before["period"] >= f"{on.year - 1}-{on.month:02d}"].groupby("household")["dependent"].mean()
    )
    frame = pd.DataFrame({"household": ids})
    frame["head_age"] = frame["household"].map(heads)
    frame["members"] = frame["household"].map(size).fillna(0)
    frame["children"] = frame["household"].map(children).fillna(0)
    frame["prior_dependency"] = frame["household"].map(prior)
    placed = set(Placement.objects.values_list("household_id", flat=True))
    frame["placed"] = frame["household"].isin(placed).astype(int)
    tenure = dict(
        Residence.objects.filter(household_id__in=ids, moved_in__lte=on)
        .order_by("household_id", "moved_in")
        .values_list("household_id", "property__tenure")
    )
    frame["private_rent"] = (frame["household"].map(tenure) == "private").astype(int)
    treated = set(
        Intervention.objects.filter(started_on__gte=TASK_FORCE_START).values_list("household_id", flat=True)
    )
    frame["treated"] = frame["household"].isin(treated).astype(int)
    return frame.dropna(subset=["head_age", "prior_dependency"]).reset_index(drop=True)


def placements_frame() -> pd.DataFrame:
    """One row per placement: authority, type, legal basis, dates, notification due date and status."""
    rows = Placement.objects.values_list(
        "pk",
        "household_id",
        "household__ward__gss_code",
        "placing_authority__name",
        "type__name",
        "type__notice_rule",
        "legal_basis",
        "placed_on",
        "ended_on",
        "notification_received_on",
    )
    frame = pd.DataFrame(
        rows,
        columns=[
            "placement",
            "household",
            "area",
            "authority",
            "type",
            "notice_rule",
            "legal_basis",
            "placed_on",
            "ended_on",
            "notified_on",
        ],
    )
    frame["due_on"] = [
        notification_due_on(r, d) for r, d in zip(frame["notice_rule"], frame["placed_on"], strict=True)
    ]
    frame["year"] = [d.year for d in frame["placed_on"]]
    return frame


def housing_benefit_homes(
    *, first_month: date = date(2006, 1, 1), last_month: date = date(2015, 12, 1)
) -> pd.DataFrame:
    """Housing benefit paid each month with the condition of the home it paid for:
    period, household, property, amount, is_hmo, licensed, open_category_1."""
    hb = BenefitType.objects.get(code="hb")
    records = _frame(
        BenefitRecord.objects.filter(benefit=hb, month__gte=first_month, month__lte=last_month)
        .annotate(month_text=Cast("month", CharField()))
        .values_list("person_id", "month_text", "amount"),
        ["person", "month", "amount"],
    )
    columns = ["period", "household", "property", "amount", "is_hmo", "licensed", "open_category_1"]
    if records.empty:
        return pd.DataFrame(columns=columns)
    members = pd.DataFrame(
        Membership.objects.values_list("person_id", "household_id", "joined_on", "left_on"),
        columns=["person", "household", "joined_on", "left_on"],
    )
    homes = pd.DataFrame(
        Residence.objects.values_list(
            "household_id", "property_id", "moved_in", "moved_out", "property__is_hmo"
        ),
        columns=["household", "property", "moved_in", "moved_out", "is_hmo"],
    )
    far = date(9999, 12, 31)
    records["month"] = pd.to_datetime(records["month"])
    joined = records.merge(members, on="person")
    joined = joined[
        (joined["month"] >= pd.to_datetime(joined["joined_on"]))
        & (joined["month"] <= pd.to_datetime(joined["left_on"].fillna(far)))
    ]
    joined = joined.merge(homes, on="household")
    # A home counts for every month lived in on any day of it; after a move within the month the home moved
    # into last takes the month (below). Moving in on the first of a month starts that month, not the one before.
    joined = joined[
        (joined["month"] >= pd.to_datetime(joined["moved_in"]).dt.to_period("M").dt.to_timestamp())
        & (joined["month"] < pd.to_datetime(joined["moved_out"].fillna(far)))
    ]
    joined = joined.sort_values("moved_in").drop_duplicates(["person", "month"], keep="last")

    licences = pd.DataFrame(
        Licence.objects.filter(status__in=["granted", "expired", "revoked"]).values_list(
            "property_id", "starts_on", "expires_on"
        ),
        columns=["property", "starts_on", "expires_on"],
    )
    hazards = pd.DataFrame(
        HazardFinding.objects.filter(score__gte=CATEGORY_1_THRESHOLD).values_list(
            "inspection__property_id", "inspection__inspected_on", "remedied_on"
        ),
        columns=["property", "found_on", "remedied_on"],
    )
    joined["licensed"] = _covered(joined, licences, "starts_on", "expires_on")
    joined["open_category_1"] = _covered(joined, hazards, "found_on", "remedied_on")
    joined["period"] = joined["month"].dt.strftime("%Y-%m")
    joined["amount"] = joined["amount"].astype(float)
    return joined[columns].reset_index(drop=True)


def _covered(rows: pd.DataFrame, spans: pd.DataFrame, start: str, end: str) -> np.ndarray:
    """Whether each (property, month) row falls inside any of the property's [start, end) spans."""
    if spans.empty:
        return np.zeros(len(rows), dtype=bool)
    key = rows[["property", "month"]].reset_index()
    merged = key.merge(spans, on="property")
    inside = (merged["month"] >= pd.to_datetime(merged[start])) & (
        merged["month"] < pd.to_datetime(merged[end].fillna(date(9999, 12, 31)))
    )
    hit = set(merged.loc[inside, "index"])
    return key["index"].isin(hit).to_numpy()


# Reads for the ward dashboards: one row per record with its ward and dates, no names or identifiers of
# the people concerned; outcomes.dashboards aggregates them.


def dashboard_interventions() -> pd.DataFrame:
    """One row per intervention: ward, agency, service, status, worker (staff profile id), dates."""
    return _frame(
        Intervention.objects.annotate(
            referred=Cast("referred_on", CharField()),
            started=Cast("started_on", CharField()),
            ended=Cast("ended_on", CharField()),
        ).values_list(
            "household__ward__gss_code",
            "service__agency__name",
            "service__name",
            "status",
            "worker_id",
            "referred",
            "started",
            "ended",
        ),
        ["area", "agency", "service", "status", "worker", "referred_on", "started_on", "ended_on"],
    )


def dashboard_households() -> pd.DataFrame:
    """One row per household: ward, key worker (staff profile id), opened and closed dates."""
    return _frame(
        Household.objects.annotate(
            opened=Cast("opened_on", CharField()), closed=Cast("closed_on", CharField())
        ).values_list("pk", "ward__gss_code", "key_worker_id", "opened", "closed"),
        ["household", "area", "key_worker", "opened_on", "closed_on"],
    )


def dashboard_moves() -> pd.DataFrame:
    """One row per residence: household, the ward holding the case, moved-in date."""
    return _frame(
        Residence.objects.annotate(moved=Cast("moved_in", CharField())).values_list(
            "household_id", "household__ward__gss_code", "moved"
        ),
        ["household", "area", "moved_in"],
    )


def dashboard_housing() -> dict[str, pd.DataFrame]:
    """Homes, licences and Category 1 hazard findings, each with the ward the home stands in."""
    homes = _frame(
        Property.objects.values_list("pk", "area__gss_code", "is_hmo"), ["property", "area", "is_hmo"]
    )
    licences = _frame(
        Licence.objects.filter(status__in=["granted", "expired", "revoked"])
        .annotate(starts=Cast("starts_on", CharField()), expires=Cast("expires_on", CharField()))
        .values_list("property__area__gss_code", "starts", "expires"),
        ["area", "starts_on", "expires_on"],
    )
    hazards = _frame(
        HazardFinding.objects.filter(score__gte=CATEGORY_1_THRESHOLD)
        .annotate(
            found=Cast("inspection__inspected_on", CharField()), remedied=Cast("remedied_on", CharField())
        )
        .values_list("inspection__property__area__gss_code", "found", "remedied"),
        ["area", "found_on", "remedied_on"],
    )
    return {"homes": homes, "licences": licences, "hazards": hazards}


def housing_benefit_by_ward() -> pd.DataFrame:
    """Housing benefit by ward of the home and year, split as in the housing evidence: area, year,
    housing_benefit, into_category_1_homes, into_unlicensed_hmos, homes, category_1_homes, unlicensed_hmos."""
    rows = housing_benefit_homes()
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
    if rows.empty:
        return pd.DataFrame(columns=columns)
    wards = dict(Property.objects.values_list("pk", "area__gss_code"))
    cat1 = rows["open_category_1"].astype(bool)
    unlicensed = rows["is_hmo"].astype(bool) & ~rows["licensed"].astype(bool)
    data = rows.assign(
        area=rows["property"].map(wards),
        year=rows["period"].str[:4],
        into_category_1_homes=rows["amount"].where(cat1, 0.0),
        into_unlicensed_hmos=rows["amount"].where(unlicensed, 0.0),
        category_1_property=rows["property"].where(cat1),
        unlicensed_property=rows["property"].where(unlicensed),
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

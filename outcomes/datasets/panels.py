"""The household-month panel (dependency and benefit by household and month) and households' profiles at
a date, for the household analyses."""

from datetime import date

import numpy as np
import pandas as pd
from django.db.models import Min, Q

from households.models import Household, Membership, Placement, Residence
from interventions.models import Intervention

from ..models import BenefitRecord, BenefitType
from .query import columns_frame

TASK_FORCE_START = date(2010, 9, 1)

_MONTH = "substr(CAST({} AS text), 1, 7)"  # 'YYYY-MM' of a date on SQLite and PostgreSQL alike
# Each benefit record counted in the household its person belonged to that month (joined in or before the
# month, left in or after it), summed by household and month (records are dated the first of the month).
HOUSEHOLD_MONTHS_SQL = f"""
SELECT m.{Membership._meta.get_field("household").column}, r.month,
       CAST(SUM(r.amount) AS double precision),
       CAST(SUM(CASE WHEN t.out_of_work THEN r.amount ELSE 0 END) AS double precision),
       MAX(CASE WHEN t.out_of_work THEN 1 ELSE 0 END)
FROM {BenefitRecord._meta.db_table} r
JOIN {BenefitType._meta.db_table} t ON t.id = r.benefit_id
JOIN {Membership._meta.db_table} m ON m.person_id = r.person_id
WHERE r.month >= %s AND r.month <= %s
  AND {_MONTH.format("r.month")} >= {_MONTH.format("m.joined_on")}
  AND (m.left_on IS NULL OR {_MONTH.format("r.month")} <= {_MONTH.format("m.left_on")})
GROUP BY m.{Membership._meta.get_field("household").column}, r.month
"""  # noqa: S608 (table and column names only; the months are parameters)


def _month_ordinals(values: pd.Series) -> np.ndarray:
    """Monthly period ordinals of dates (date objects or ISO text), parsing each distinct date once."""
    codes, distinct = pd.factorize(values)
    return pd.PeriodIndex(pd.to_datetime(pd.Series(distinct)), freq="M").asi8[codes]


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

    # Benefit records -> the household the person belonged to that month, summed in the database.
    monthly = columns_frame(
        HOUSEHOLD_MONTHS_SQL,
        [first_month, last_month],
        {
            "household": "int64",
            "month": "str",
            "benefit": "float64",
            "out_of_work_benefit": "float64",
            "dependent": "int64",
        },
    )
    monthly["ordinal"] = _month_ordinals(monthly["month"])
    monthly = monthly.drop(columns="month").set_index(["household", "ordinal"])
    panel = panel.merge(monthly, left_on=["household", "ordinal"], right_index=True, how="left")
    panel["benefit"] = panel["benefit"].fillna(0.0)
    panel["out_of_work_benefit"] = panel["out_of_work_benefit"].fillna(0.0)
    panel["dependent"] = panel["dependent"].fillna(0).astype(int)

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
    codes, ordinals = pd.factorize(panel["ordinal"])  # a label per distinct month, not per row
    panel["period"] = pd.PeriodIndex.from_ordinals(ordinals, freq="M").strftime("%Y-%m").to_numpy()[codes]
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

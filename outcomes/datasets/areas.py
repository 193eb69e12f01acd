"""Area statistics: every measure of every area and period, and the areas the analyses compare."""

from collections.abc import Iterable
from datetime import date

import pandas as pd

from taskforce.org.models import Area

from ..models import AreaStatistic
from .query import values_frame


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
    # Through the driver (`values_frame`), which gives dates, floats and booleans as Django would, without
    # Django's converter per value.
    frame = values_frame(
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
        columns,
    )
    frame["period"] = [
        _period_label(f, d)
        for f, d in zip(frame["frequency"].tolist(), frame["period_start"].tolist(), strict=True)
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

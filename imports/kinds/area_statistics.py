"""Import of area statistics: `area_code,area_name,area_type,period,measure,value` (long form).

Periods may be `YYYY`, `YYYY-Qn`, `YYYY-MM` or `YYYY-MM-DD`. Rows are upserted on (area, measure, period);
unknown areas are created only when a boundary vintage is given for them.
"""

import math
import re
from dataclasses import dataclass
from datetime import date
from typing import cast

from django.core.exceptions import ValidationError

from outcomes.models import AreaStatistic
from taskforce.org.models import Area
from taskforce.org.validators import validate_gss_code

from ..core import Problem, RowCheck, RowError, duplicates

PERIOD_RES = (
    (re.compile(r"^(\d{4})$"), AreaStatistic.Frequency.YEAR),
    (re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE), AreaStatistic.Frequency.QUARTER),
    (re.compile(r"^(\d{4})-(\d{2})$"), AreaStatistic.Frequency.MONTH),
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), AreaStatistic.Frequency.DAY),
)
MEASURE_RE = re.compile(r"^[a-z][a-z0-9_]{0,59}$")


def parse_period(text: str) -> tuple[str, date]:
    """'2009' -> (year, 2009-01-01); '2009-Q3' -> (quarter, 2009-07-01); '2009-07' -> (month, ...); ISO day."""
    for pattern, frequency in PERIOD_RES:
        match = pattern.match(text)
        if not match:
            continue
        parts = [int(p) for p in match.groups()]
        try:
            if frequency == AreaStatistic.Frequency.YEAR:
                return frequency, date(parts[0], 1, 1)
            if frequency == AreaStatistic.Frequency.QUARTER:
                return frequency, date(parts[0], 3 * parts[1] - 2, 1)
            if frequency == AreaStatistic.Frequency.MONTH:
                return frequency, date(parts[0], parts[1], 1)
            return frequency, date(parts[0], parts[1], parts[2])
        except ValueError as exc:
            raise RowError("period", f"not a real date ({exc})", text) from exc
    raise RowError("period", "expected YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD", text)


@dataclass(frozen=True)
class StatisticRow:
    area_code: str
    area_name: str
    area_type: str
    frequency: str
    period_start: date
    measure: str
    value: float


class AreaStatisticsImport:
    name = "area-statistics"
    columns = ("area_code", "area_name", "area_type", "period", "measure", "value")

    def __init__(self, *, source: str, vintage: int | None = None, release: str = "") -> None:
        self.source = source
        self.vintage = vintage
        self.release = release
        self.areas = {a.gss_code: a for a in Area.objects.order_by("vintage")}  # latest vintage wins

    def parse(self, row: dict[str, str], line: int) -> StatisticRow:
        check = RowCheck()
        code = row["area_code"].upper()
        check.cell(self._check_area, code, row)
        if not row["area_name"]:
            check.fail("area_name", "required")
        period = check.cell(parse_period, row["period"], otherwise=(None, None))
        measure = row["measure"].lower()
        if not MEASURE_RE.match(measure):
            check.fail(
                "measure",
                "lower-case letters, digits and underscores, starting with a letter",
                row["measure"],
            )
        value = check.cell(_number, row["value"])
        check.done()
        return StatisticRow(code, row["area_name"], row["area_type"].lower(), *period, measure, value)

    def _check_area(self, code: str, row: dict[str, str]) -> None:
        check = RowCheck()
        try:
            validate_gss_code(code)
        except ValidationError as exc:
            check.fail("area_code", exc.messages[0], row["area_code"])
        area_type = row["area_type"].lower()
        if area_type not in Area.Type.values:
            check.fail("area_type", f"expected one of {', '.join(Area.Type.values)}", row["area_type"])
        existing = self.areas.get(code)
        if existing is None and self.vintage is None and not check.errors:
            check.fail(
                "area_code",
                "unknown area: give the boundary vintage (--vintage YEAR) to create new areas",
                code,
            )
        if existing is not None and existing.type != area_type and not check.errors:
            check.fail("area_type", f"{code} is a {existing.type}, not a {area_type}", row["area_type"])
        check.done()

    def check_together(self, parsed: list[tuple[int, StatisticRow]]) -> list[Problem]:
        return duplicates(parsed, lambda r: (r.area_code, r.measure, r.frequency, r.period_start), "period")

    def write(self, rows: list[StatisticRow]) -> tuple[int, int, int]:
        for row in rows:
            if row.area_code not in self.areas:
                # parse() refused every unknown area when no vintage was given.
                vintage = cast(int, self.vintage)
                area = Area(gss_code=row.area_code, vintage=vintage, name=row.area_name, type=row.area_type)
                area.full_clean()
                area.save()
                self.areas[row.area_code] = area
        area_ids = {code: a.pk for code, a in self.areas.items()}
        keys = {(area_ids[r.area_code], r.measure, r.frequency, r.period_start) for r in rows}
        existing = {
            (s.area_id, s.measure, s.frequency, s.period_start): s
            for s in AreaStatistic.objects.filter(
                area_id__in={k[0] for k in keys}, measure__in={k[1] for k in keys}
            )
            if (s.area_id, s.measure, s.frequency, s.period_start) in keys
        }
        create, update, unchanged = [], [], 0
        for r in rows:
            key = (area_ids[r.area_code], r.measure, r.frequency, r.period_start)
            current = existing.get(key)
            if current is None:
                create.append(
                    AreaStatistic(
                        area_id=key[0],
                        measure=r.measure,
                        frequency=r.frequency,
                        period_start=r.period_start,
                        value=r.value,
                        source=self.source,
                        vintage=self.release,
                    )
                )
            elif current.value != r.value or current.source != self.source or current.vintage != self.release:
                current.value, current.source, current.vintage = r.value, self.source, self.release
                update.append(current)
            else:
                unchanged += 1
        AreaStatistic.objects.bulk_create(create, batch_size=5000)
        AreaStatistic.objects.bulk_update(update, ["value", "source", "vintage"], batch_size=2000)
        return len(create), len(update), unchanged


def _number(text: str) -> float:
    try:
        value = float(text.replace(",", ""))
    except ValueError as exc:
        raise RowError("value", "not a number", text) from exc
    if not math.isfinite(value):
        raise RowError("value", "must be a finite number", text)
    return value

"""When and where the demo world is: its months, its wards and the time shock they all share."""

from datetime import date, timedelta

import numpy as np

START_YEAR = 2006
N_MONTHS = 120  # 2006-01 .. 2015-12
TASK_FORCE_START = 56  # 2010-09
CALIBRATION_YEAR = 2009

TARGET_WARDS = ("E05005088", "E05005093")  # Cliftonville West, Margate Central
WARD_SHARE = (0.56, 0.44)
KENT = "E10000016"

TENURES = ("private", "social", "owner", "temporary", "supported")


def month_start(m: int) -> date:
    return date(START_YEAR + m // 12, m % 12 + 1, 1)


def month_end(m: int) -> date:
    return month_start(m + 1) - timedelta(days=1)


def month_index(d: date | None, default: int) -> int:
    """The month index of a date, or `default` for none."""
    return default if d is None else (d.year - START_YEAR) * 12 + d.month - 1


def day_in_month(m: np.ndarray, rng: np.random.Generator) -> list[date]:
    """A random day in each month index (months may be negative: before 2006)."""
    days = rng.integers(0, 28, size=len(m))
    return [month_start(int(mi)) + timedelta(days=int(d)) for mi, d in zip(m, days, strict=True)]


def common_shock(months: np.ndarray) -> np.ndarray:
    """The shared time shock (probability units): the 2008-09 recession, seasonality and a slow drift."""
    t = months.astype(float)
    recession = np.exp(-0.5 * ((t - 44) / 12.0) ** 2)  # peaks 2009-09
    season = np.cos(2 * np.pi * (t % 12) / 12)  # higher in winter
    return 0.05 * recession + 0.008 * season - 0.0002 * t

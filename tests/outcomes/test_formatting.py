"""Every figure is formatted in one place: the sign before the pound sign, plurals that read."""

import math

from outcomes.formatting import money, plural, share, years
from outcomes.tables import display


def test_money_puts_the_sign_before_the_pound_sign() -> None:
    assert money(-15_383_511.4) == "-£15,383,511"
    assert money(15_383_511.4) == "£15,383,511"
    assert money(-0.4) == "£0"
    assert display(-15_383_511.4, "money") == "-£15,383,511"


def test_short_money_keeps_one_decimal_of_millions() -> None:
    assert money(-15_383_511, short=True) == "-£15.4m"
    assert money(2_400_000_000, short=True) == "£2.4bn"
    assert money(820_000, short=True) == "£820k"
    assert money(950, short=True) == "£950"


def test_missing_figures_say_so() -> None:
    assert money(None) == "not available"
    assert money(math.nan) == "not available"
    assert years(None) == "not available"


def test_plurals_read_as_people_say_them() -> None:
    assert years(1) == "1 year"
    assert years(10) == "10 years"
    assert years(2.5) == "2.5 years"
    assert plural(1, "ward") == "1 ward"
    assert plural(3, "child", "children") == "3 children"
    assert share(0.41) == "41%"

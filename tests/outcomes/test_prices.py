"""Costs in one price base: the GDP deflator table, its source, and rebasing checked by hand."""

import itertools

import pytest

from outcomes.prices import PriceYearError, deflator_source, gdp_deflator, rebase


def test_the_table_is_indexed_to_2024_and_rises_year_on_year_over_the_programme() -> None:
    table = gdp_deflator()
    assert table[2024] == 100.0
    years = [y for y in sorted(table) if 2005 <= y <= 2015]
    assert all(table[a] < table[b] for a, b in itertools.pairwise(years))


def test_rebasing_by_hand() -> None:
    # £1,000 in 2009 prices in 2010 prices: 1,000 x 69.1217 / 68.2170 = £1,013.26.
    assert rebase(1000.0, from_year=2009, to_year=2010) == pytest.approx(1013.262, abs=1e-3)
    assert rebase(1000.0, from_year=2010, to_year=2010) == pytest.approx(1000.0)


def test_a_year_outside_the_table_is_refused_with_the_range() -> None:
    with pytest.raises(PriceYearError, match="price year 1990: the GDP deflator table covers 2005 to 2024"):
        rebase(1.0, from_year=1990, to_year=2010)


def test_the_source_is_stated() -> None:
    assert "YBGB" in deflator_source()
    assert "vintage" in deflator_source()

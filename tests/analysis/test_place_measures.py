"""Transience and the Margate Agreement measures, as pure functions of small frames."""

import math

import pandas as pd
import pytest

from outcomes.analysis.agreement import compliance_by_signing, signatory_placements
from outcomes.analysis.transience import transience_by_year


def residences(*rows: tuple[int, str, str, str | None]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["household", "area", "moved_in", "moved_out"])


def test_a_move_within_the_ward_is_neither_an_arrival_nor_a_departure() -> None:
    frame = residences(
        (1, "A", "2009-06-01", "2011-02-28"),
        (1, "A", "2011-03-01", "2012-06-30"),  # moved within A
        (1, "B", "2012-07-01", None),  # left A for B
        (2, "A", "2010-03-01", "2010-09-01"),
    )
    out = transience_by_year(frame, years=[2010, 2011, 2012]).set_index(["area", "year"])
    assert out.loc[("A", 2010), ["resident", "arrivals", "departures"]].tolist() == [1, 1, 1]
    assert out.loc[("A", 2011), ["resident", "arrivals", "departures"]].tolist() == [1, 0, 0]
    assert out.loc[("A", 2012), ["arrivals", "departures"]].tolist() == [0, 1]
    assert out.loc[("B", 2012), ["arrivals", "departures"]].tolist() == [1, 0]
    # Household 1 stayed in A from June 2009 to June 2012: three years and a month.
    assert out.loc[
        (
            "A",
            2012,
        ),
        "median_years",
    ] == pytest.approx((pd.Timestamp("2012-06-30") - pd.Timestamp("2009-06-01")).days / 365.25)
    assert out.loc[("A", 2010), "turnover"] == 2.0
    assert math.isnan(out.loc[("B", 2010), "turnover"])


def test_signatories_are_counted_before_and_after_signing_with_their_timeliness() -> None:
    placements = pd.DataFrame(
        {
            "authority": ["X", "X", "X", "Y", "Y"],
            "placed_on": ["2010-01-01", "2010-06-01", "2011-06-01", "2011-01-01", "2011-02-01"],
            "status": ["late", "on time", "on time", "missing", "on time"],
        }
    )
    signatories = pd.DataFrame({"authority": ["X"], "signed_on": ["2011-01-01"]})
    table = signatory_placements(
        placements, signatories, first_day=pd.Timestamp("2009-01-01"), today=pd.Timestamp("2013-01-01")
    ).set_index("authority")
    assert table.loc[
        "X", ["before", "after", "judged_before", "on_time_before", "on_time_after"]
    ].tolist() == [2, 1, 2, 1, 1]
    assert table.loc["X", "per_year_after"] == pytest.approx(1 / (731 / 365.25))
    groups = compliance_by_signing(placements, signatories)
    assert groups.loc["Signatories, after signing", "on_time"] == 1
    assert groups.loc["Signatories, before signing", ["on_time", "late"]].tolist() == [1, 1]
    assert groups.loc["Non-signatories", ["on_time", "missing", "judged"]].tolist() == [1, 1, 2]

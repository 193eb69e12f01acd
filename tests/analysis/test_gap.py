"""The descriptive gap to the Kent average: the source papers' £48m / £11m / £37m arithmetic."""

import json

import pandas as pd
import pytest

from outcomes.analysis import AnalysisError
from outcomes.analysis.gap import gap_to_average

KENT_POP = 1_400_000
WARDS_POP = 20_000
KENT_SPEND_PER_HEAD = 11_000_000 / WARDS_POP  # so the wards at Kent rates would cost £11m


def _frame() -> pd.DataFrame:
    rows = []
    for period, scale in (("2009-10", 0.95), ("2010-10", 1.0)):
        rows += [
            ("E05005088", period, "population", 9_000),
            ("E05005093", period, "population", 11_000),
            ("E10000016", period, "population", KENT_POP),
            ("E05005088", period, "benefit_spend", 20_000_000 * scale),
            ("E05005093", period, "benefit_spend", 28_000_000 * scale),
            ("E10000016", period, "benefit_spend", KENT_SPEND_PER_HEAD * KENT_POP),
            ("E05005088", period, "claimants", 2_100),
            ("E05005093", period, "claimants", 2_500),
            ("E10000016", period, "claimants", 0.08 * KENT_POP),
        ]
    return pd.DataFrame(rows, columns=["area", "period", "measure", "value"])


def test_wards_benefit_bill_gap_to_kent_is_37m():
    gap = gap_to_average(_frame(), target=["E05005088", "E05005093"], reference="E10000016")
    combined = {r["measure"]: r for r in gap.rows if r["area"] == "targets combined"}
    spend = combined["benefit_spend"]
    assert spend["value"] == pytest.approx(48_000_000)
    assert spend["value_at_reference_rate"] == pytest.approx(11_000_000)
    assert spend["gap_total"] == pytest.approx(37_000_000)
    assert combined["claimants"]["rate_per_head"] == pytest.approx(4_600 / 20_000)
    assert combined["claimants"]["gap_total"] == pytest.approx(4_600 - 0.08 * 20_000)
    assert gap.period == "2010-10"


def test_gap_is_labelled_descriptive_not_impact():
    gap = gap_to_average(_frame(), target=["E05005088"], reference="E10000016")
    d = json.loads(json.dumps(gap.as_dict()))
    assert d["label"] == "descriptive gap, not an impact estimate"
    assert "not what any intervention caused" in d["note"]
    assert [r["area"] for r in d["rows"]] == ["E05005088", "E05005088"]


def test_series_covers_every_complete_period():
    gap = gap_to_average(
        _frame(), target=["E05005088", "E05005093"], reference="E10000016", measures=["benefit_spend"]
    )
    assert [r["period"] for r in gap.series] == ["2009-10", "2010-10"]
    assert gap.series[0]["gap_total"] == pytest.approx(48_000_000 * 0.95 - 11_000_000)


def test_headline_period_can_be_chosen():
    gap = gap_to_average(_frame(), target=["E05005088"], reference="E10000016", period="2009-10")
    assert gap.period == "2009-10"


@pytest.mark.parametrize(
    ("change", "kwargs", "message"),
    [
        (lambda f: f.drop(columns="measure"), {}, "missing column"),
        (lambda f: f[f["measure"] != "population"], {}, "population"),
        (lambda f: pd.concat([f, f.iloc[[0]]]), {}, "duplicate rows for area 'E05005088'"),
        (lambda f: f, {"reference": "E99999999"}, "area 'E99999999' is not in the gap frame"),
        (lambda f: f, {"measures": ["jobs"]}, "measure 'jobs'"),
        (lambda f: f.assign(value=f["value"].where(f.index != 2)), {}, "missing or non-numeric"),
    ],
)
def test_bad_frames_are_refused(change, kwargs, message):
    args = {"target": ["E05005088"], "reference": "E10000016", **kwargs}
    with pytest.raises(AnalysisError, match=message):
        gap_to_average(change(_frame()), **args)

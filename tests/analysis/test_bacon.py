import numpy as np
import pandas as pd
import pytest

from outcomes.analysis.bacon import (
    EARLIER_VS_LATER,
    LATER_VS_EARLIER,
    TREATED_VS_NEVER,
    bacon_decomposition,
)
from outcomes.analysis.errors import AnalysisError


@pytest.fixture(scope="module")
def castle() -> pd.DataFrame:
    causaldata = pytest.importorskip("causaldata")
    return causaldata.castle.load_pandas().data


def test_castle_doctrine_matches_goodman_bacon(castle):
    result = bacon_decomposition(castle, y="l_homicide", treatment="post", unit="sid", period="year")
    published = {
        TREATED_VS_NEVER: (0.07844, 0.89881),
        EARLIER_VS_LATER: (-0.02858, 0.07708),
        LATER_VS_EARLIER: (0.04563, 0.02411),
    }
    for kind, (estimate, weight) in published.items():
        assert result.kind(kind).estimate == pytest.approx(estimate, abs=5e-6)
        assert result.kind(kind).weight == pytest.approx(weight, abs=5e-6)
    assert result.twfe == pytest.approx(0.0693984, abs=5e-8)


def test_weights_sum_to_one_and_reproduce_the_twfe_coefficient(castle):
    result = bacon_decomposition(castle, y="l_homicide", treatment="post", unit="sid", period="year")
    assert sum(c.weight for c in result.comparisons) == pytest.approx(1.0, abs=1e-12)
    assert result.weighted_sum == pytest.approx(result.twfe, abs=1e-12)
    assert result.n_treated_units == 21
    assert result.n_never_treated_units == 29


def staggered_panel(seed: int, never: bool = True) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    starts = [3, 5, 8] + ([None] if never else [])
    for unit in range(40):
        start = starts[unit % len(starts)]
        for t in range(10):
            d = int(start is not None and t >= start)
            rows.append(
                (unit, t, d, unit * 0.1 + t * 0.2 + d * (1 + 0.3 * (t - (start or 0))) + rng.normal())
            )
    return pd.DataFrame(rows, columns=["unit", "t", "d", "y"])


def test_identity_holds_without_never_treated_units():
    result = bacon_decomposition(
        staggered_panel(1, never=False), y="y", treatment="d", unit="unit", period="t"
    )
    assert result.weighted_sum == pytest.approx(result.twfe, abs=1e-10)
    assert "no never-treated units" in result.warnings[0]
    assert {c.kind for c in result.comparisons} == {EARLIER_VS_LATER, LATER_VS_EARLIER}


def test_unbalanced_panel_is_refused():
    frame = staggered_panel(2).iloc[1:]
    with pytest.raises(AnalysisError, match="unbalanced"):
        bacon_decomposition(frame, y="y", treatment="d", unit="unit", period="t")


def test_treatment_switching_off_is_refused():
    frame = staggered_panel(3)
    frame.loc[(frame["unit"] == 0) & (frame["t"] == 9), "d"] = 0
    with pytest.raises(AnalysisError, match="absorbing"):
        bacon_decomposition(frame, y="y", treatment="d", unit="unit", period="t")

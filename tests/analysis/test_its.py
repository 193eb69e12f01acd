import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.datasets import macrodata

from outcomes.analysis.errors import AnalysisError
from outcomes.analysis.its import comparative_its, hac_ols, newey_west_lags


def bartlett_sandwich(y: np.ndarray, x: np.ndarray, lags: int) -> np.ndarray:
    """Newey-West covariance written out: (X'X)^-1 [G0 + sum_l (1 - l/(L+1)) (Gl + Gl')] (X'X)^-1 n/(n-k)."""
    n, k = x.shape
    beta = np.linalg.solve(x.T @ x, x.T @ y)
    scores = x * (y - x @ beta)[:, None]
    meat = scores.T @ scores
    for lag in range(1, lags + 1):
        gamma = scores[lag:].T @ scores[:-lag]
        meat += (1 - lag / (lags + 1)) * (gamma + gamma.T)
    bread = np.linalg.inv(x.T @ x)
    return n / (n - k) * bread @ meat @ bread


@pytest.fixture(scope="module")
def macro() -> pd.DataFrame:
    return macrodata.load_pandas().data


def test_hac_matches_a_hand_written_bartlett_sandwich(macro):
    x = sm.add_constant(macro[["realgdp", "realint"]].to_numpy())
    y = macro["realinv"].to_numpy()
    _, cov, _ = hac_ols(y, x, 4)
    expected = bartlett_sandwich(y, x, 4)
    np.testing.assert_allclose(cov, expected, rtol=1e-8, atol=0)


def test_hac_matches_r_sandwich_newey_west(macro):
    """R: NeweyWest(lm(ginv ~ ggdp + lint), lag = 4, prewhite = FALSE, adjust = TRUE)."""
    g_gdp = 400 * np.diff(np.log(macro["realgdp"].to_numpy()))
    g_inv = 400 * np.diff(np.log(macro["realinv"].to_numpy()))
    x = sm.add_constant(np.c_[g_gdp, macro["realint"].to_numpy()[:-1]])
    params, cov, _ = hac_ols(g_inv, x, 4)
    r_cov = [
        [+1.40643899878678802, -0.3180328707083329709, -0.060621111216488610],
        [-0.31803287070833292, 0.1097308348999818661, +0.000395311760301478],
        [-0.06062111121648865, 0.0003953117603014895, +0.087511528912470993],
    ]
    np.testing.assert_allclose(params, [-9.48167277465485, 4.3742216647032, -0.613996969478989], atol=1e-10)
    np.testing.assert_allclose(cov, r_cov, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(cov, bartlett_sandwich(g_inv, x, 4), rtol=1e-8)


def simulate_series(level: float, slope: float, seed: int, months: int = 96, start: int = 60) -> pd.DataFrame:
    """Claimant rates for a ward and Kent with seasonality, a shared shock and AR(1) noise in the gap."""
    rng = np.random.default_rng(seed)
    period = pd.period_range("2017-01", periods=months, freq="M")
    t = np.arange(months)
    season = 0.3 * np.sin(2 * np.pi * t / 12)
    common = np.cumsum(rng.normal(0, 0.05, months))
    noise = np.zeros(months)
    for i in range(1, months):
        noise[i] = 0.5 * noise[i - 1] + rng.normal(0, 0.05)
    m = t - start
    effect = np.where(m >= 0, level + slope * m, 0.0)
    kent = 3.0 + common + 0.5 * season
    ward = 7.0 - 0.01 * t + common + season + noise + effect
    return pd.DataFrame({"month": period, "ward": ward, "kent": kent})


def test_recovers_a_planted_level_and_slope_change():
    frame = simulate_series(level=-0.8, slope=-0.02, seed=3)
    result = comparative_its(frame, period="month", target="ward", comparison="kent", start="2022-01")
    assert result.estimate == pytest.approx(-0.8, abs=0.15)
    assert result.slope_change == pytest.approx(-0.02, abs=0.01)
    assert result.ci_low < -0.8 < result.ci_high
    assert result.maxlags == newey_west_lags(96) == 3
    assert result.n_pre == 60
    assert result.n_post == 36
    assert "Newey-West" in result.inference
    # A long, clean series carries only the two caveats every ITS carries, no data-quality warning.
    assert len(result.warnings) == 2
    assert result.warnings[0].startswith("a before/after trend comparison, not an impact")
    assert "36 month(s) past the last pre-period observation" in result.warnings[1]


def test_no_change_gives_an_interval_covering_zero():
    frame = simulate_series(level=0.0, slope=0.0, seed=4)
    result = comparative_its(
        frame, period="month", target="ward", comparison="kent", start="2022-01", maxlags=6
    )
    assert result.ci_low < 0 < result.ci_high
    assert result.maxlags == 6


def test_accepts_month_strings_and_warns_on_a_short_pre_period():
    frame = simulate_series(level=-0.5, slope=0.0, seed=5, months=40, start=18)
    frame["month"] = frame["month"].astype(str)
    result = comparative_its(frame, period="month", target="ward", comparison="kent", start="2018-07")
    assert result.n_pre == 18
    assert any("only 18 months before" in w for w in result.warnings)


def test_gaps_in_the_series_are_refused():
    frame = simulate_series(level=0.0, slope=0.0, seed=6).drop(index=10)
    with pytest.raises(AnalysisError, match="column 'month' has gaps"):
        comparative_its(frame, period="month", target="ward", comparison="kent", start="2022-01")


def test_missing_values_are_refused():
    frame = simulate_series(level=0.0, slope=0.0, seed=6)
    frame.loc[5, "kent"] = np.nan
    with pytest.raises(AnalysisError, match="column 'kent' has 1 missing values"):
        comparative_its(frame, period="month", target="ward", comparison="kent", start="2022-01")


def test_is_labelled_a_before_after_trend_and_states_its_extrapolation():
    frame = simulate_series(level=-0.5, slope=0.0, seed=5, months=40, start=18)
    result = comparative_its(frame, period="month", target="ward", comparison="kent", start="2018-07")
    assert "not an impact against a counterfactual" in result.label
    assert result.extrapolation_months == 40 - 18
    assert any("before/after trend comparison, not an impact" in w for w in result.warnings)
    assert any("extrapolates the pre-period line 22 month(s) past" in w for w in result.warnings)

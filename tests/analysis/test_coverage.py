"""Area-impact intervals: each one is the inverted placebo test, so it excludes zero exactly when p < 0.05, and
it keeps its coverage when the treated areas are noisier than the comparators."""

import numpy as np
import pandas as pd
import pytest

from outcomes.analysis.area import area_impact
from outcomes.analysis.simulate import simulate_area_panel

# One treated area among 39 donors: 39 placebo fits, so the smallest attainable p-value is 1/40.
DESIGN = {"n_donors": 39, "n_treated": 1, "n_periods": 16, "start": 12, "monthly": False}


def _panel(seed: int, *, effect: float, treated_noise: float = 0.5):
    return simulate_area_panel(**DESIGN, effect=effect, noise=0.5, treated_noise=treated_noise, seed=seed)


def _fit(sim, method: str) -> object:
    return area_impact(sim.panel, sim.treated, method, in_time=False, leave_one_out=False)


def _excludes_zero(result) -> bool:
    return result.ci_low > 0 or result.ci_high < 0


@pytest.mark.parametrize("method", ["sc", "sdid", "did", "event-study"])
@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("effect", [0.0, -0.8, -2.0])
def test_interval_excludes_zero_exactly_when_p_is_below_five_percent(method, seed, effect):
    result = _fit(_panel(seed, effect=effect), method)
    assert _excludes_zero(result) == (result.p_value < 0.05)
    assert result.ci_low <= result.estimate <= result.ci_high


@pytest.mark.parametrize("method", ["sc", "sdid"])
def test_the_design_gives_both_rejections_and_non_rejections(method):
    p_values = [
        _fit(_panel(seed, effect=effect), method).p_value for seed in range(6) for effect in (0.0, -2.0)
    ]
    assert min(p_values) < 0.05 < max(p_values)


@pytest.mark.parametrize(("method", "seed"), [("sc", 0), ("sc", 4), ("sdid", 0), ("sdid", 4)])
def test_a_middling_p_value_gives_an_interval_that_holds_zero(method, seed):
    result = _fit(_panel(seed, effect=-0.5), method)
    assert 0.1 <= result.p_value <= 0.3
    assert result.ci_low < 0 < result.ci_high


def _shifted(sim, tau: float) -> pd.DataFrame:
    """The panel with the treated post-period outcomes shifted by -tau."""
    panel = sim.panel.copy()
    ((unit, start),) = sim.treated.items()
    post = (panel["unit"] == unit) & (panel["period"] >= start)
    panel.loc[post, "value"] -= tau
    return panel


@pytest.mark.parametrize("method", ["sc", "sdid", "did", "event-study"])
def test_interval_ends_are_where_the_shifted_test_starts_rejecting(method):
    sim = _panel(2, effect=-1.0)
    result = _fit(sim, method)
    assert result.p_value < 0.05
    width = result.ci_high - result.ci_low
    for end, outward in ((result.ci_low, -1.0), (result.ci_high, 1.0)):
        for step, rejected in ((-0.01, False), (0.01, True)):
            tau = end + outward * step * width
            shifted = area_impact(_shifted(sim, tau), sim.treated, method, in_time=False, leave_one_out=False)
            # Shifting leaves the weights alone, so the estimate moves by exactly -tau.
            assert shifted.estimate == pytest.approx(result.estimate - tau, abs=1e-6)
            assert (shifted.p_value < 0.05) is rejected


def test_zero_p_value_is_the_statistic_the_interval_inverts():
    result = _fit(_panel(0, effect=-0.5), "sdid")
    assert "inverts that test" in result.inference
    assert "not used for the interval" in result.inference
    assert result.placebo["critical_statistic"] > 0


REPS = 40


def _null_rates(method: str, *, treated_noise: float) -> tuple[float, float]:
    cover = reject = 0
    for seed in range(REPS):
        result = _fit(_panel(100 + seed, effect=0.0, treated_noise=treated_noise), method)
        cover += result.ci_low <= 0.0 <= result.ci_high
        reject += result.p_value < 0.05
    return cover / REPS, reject / REPS


@pytest.mark.parametrize("method", ["sc", "sdid", "did"])
def test_intervals_keep_coverage_when_the_treated_are_three_times_noisier(method):
    coverage, rejection = _null_rates(method, treated_noise=1.5)
    assert coverage >= 0.90
    assert rejection <= 0.10


@pytest.mark.parametrize("method", ["sdid", "did", "event-study"])
def test_noisier_treated_areas_are_named_in_a_warning(method):
    result = _fit(_panel(0, effect=0.0, treated_noise=1.5), method)
    ratio = result.placebo["noise_ratio"]
    assert ratio > 1.5
    assert any(f"{ratio:.1f} times" in w and "noisier" in w for w in result.warnings)
    quiet = _fit(_panel(0, effect=0.0), method)
    assert quiet.placebo["noise_ratio"] < 1.5
    assert not any("noisier" in w for w in quiet.warnings)


def test_simulated_treated_noise_leaves_the_donors_untouched():
    plain, noisy = _panel(7, effect=0.0).panel, _panel(7, effect=0.0, treated_noise=1.5).panel
    donors = plain["unit"] != "T01"
    assert np.array_equal(plain.loc[donors, "value"], noisy.loc[donors, "value"])
    assert plain.loc[~donors, "value"].std() < noisy.loc[~donors, "value"].std()

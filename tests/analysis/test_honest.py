"""Rambachan-Roth sensitivity bounds: a hand-checked example and the limiting cases."""

import numpy as np
import pytest

from outcomes.analysis.area import area_impact
from outcomes.analysis.constants import Z95
from outcomes.analysis.honest import sensitivity_bounds
from outcomes.analysis.simulate import simulate_area_panel

EVENTS = np.array([-4, -3, -2, 0, 1])
# A linear pre-trend of 0.1 per period (zero at the reference -1) and post coefficients 1.0 and 1.4.
BETA = np.array([-0.3, -0.2, -0.1, 1.0, 1.4])
# Two placebo fits without a pre-trend whose post mean is +/-0.1: every bound's SE is 0.1.
PLACEBOS = np.array([[0, 0, 0, 0.1, 0.1], [0, 0, 0, -0.1, -0.1]])


def test_hand_checked_relative_magnitudes():
    rm = sensitivity_bounds(BETA, PLACEBOS, EVENTS)["relative_magnitudes"]
    assert rm["largest_pre_step"] == pytest.approx(0.1)
    one = next(r for r in rm["rows"] if r["mbar"] == 1.0)
    # theta_hat = 1.2; Mbar * D * mean(s) = 1 * 0.1 * 1.5.
    assert (one["lower"], one["upper"]) == pytest.approx((1.05, 1.35))
    assert (one["ci_low"], one["ci_high"]) == pytest.approx((1.05 - Z95 * 0.1, 1.35 + Z95 * 0.1))
    # Zero enters when 1.2 - 0.15 Mbar - 1.96 * 0.1 <= 0, Mbar >= 6.693: 6.70 on the 0.01 grid.
    assert rm["breakdown_mbar"] == pytest.approx(6.70)


def test_hand_checked_smoothness_and_exact_linear_extrapolation():
    sd = sensitivity_bounds(BETA, PLACEBOS, EVENTS)["smoothness"]
    assert sd["last_pre_slope"] == pytest.approx(0.1)
    zero = next(r for r in sd["rows"] if r["m"] == 0.0)
    # The trend continued gives violations 0.1 and 0.2 after the start: theta = mean(0.9, 1.2) = 1.05.
    assert zero["lower"] == pytest.approx(1.05)
    assert zero["upper"] == pytest.approx(1.05)
    # mean(s (s + 1) / 2) = 2, so zero enters at M = (1.05 - 1.96 * 0.1) / 2.
    assert sd["breakdown_m"] == pytest.approx((1.05 - Z95 * 0.1) / 2)


def _trending_panel(seed: int):
    """Parallel trends fail linearly: the treated drift 0.2 a year before and after a -1.0 step."""
    sim = simulate_area_panel(
        n_donors=30,
        n_periods=16,
        start=10,
        monthly=False,
        factor_scale=0.0,
        noise=0.05,
        effect=-1.0,
        seed=seed,
    )
    panel = sim.panel.copy()
    is_t = panel["unit"].str.startswith("T")
    panel.loc[is_t, "value"] += 0.2 * (panel.loc[is_t, "period"].astype(int) - 2000)
    return panel, sim.treated


def test_mbar_zero_is_the_headlines_own_studentised_interval():
    panel, treated = _trending_panel(seed=3)
    result = area_impact(panel, treated, "event-study", placebos=60)
    zero = next(r for r in result.pretrend["sensitivity"]["relative_magnitudes"]["rows"] if r["mbar"] == 0.0)
    assert zero["lower"] == zero["upper"] == pytest.approx(result.estimate)
    # The bounds widen by the studentised test behind the headline's interval, not 1.96 placebo SEs.
    assert (zero["ci_low"], zero["ci_high"]) == pytest.approx((result.ci_low, result.ci_high), abs=1e-9)
    assert (zero["ci_low"], zero["ci_high"]) != pytest.approx(
        (result.estimate - Z95 * result.se, result.estimate + Z95 * result.se)
    )


def test_each_event_time_interval_inverts_its_own_studentised_test():
    panel, treated = _trending_panel(seed=3)
    result = area_impact(panel, treated, "event-study", placebos=60)
    for coef in result.event_study:
        assert (coef["ci_low"] > 0 or coef["ci_high"] < 0) == (coef["p_value"] < 0.05)
        # Symmetric about the coefficient, and not the placebo-SE width.
        assert coef["estimate"] - coef["ci_low"] == pytest.approx(coef["ci_high"] - coef["estimate"])
    widths = {round(c["ci_high"] - c["ci_low"], 6) for c in result.event_study}
    assert widths != {round(2 * Z95 * c["se"], 6) for c in result.event_study}


def test_smoothness_zero_recovers_the_effect_under_a_linear_violation():
    panel, treated = _trending_panel(seed=3)
    result = area_impact(panel, treated, "event-study", placebos=60)
    # The naive event study absorbs the drift: its post mean is far from -1.
    assert result.estimate > -0.5
    zero = next(r for r in result.pretrend["sensitivity"]["smoothness"]["rows"] if r["m"] == 0.0)
    assert zero["lower"] == pytest.approx(-1.0, abs=0.1)
    assert zero["ci_low"] < -1.0 < zero["ci_high"]

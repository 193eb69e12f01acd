"""Pre-trend diagnostics carried by every DiD and event-study result, with two treated areas."""

import pytest

from outcomes.analysis.area import area_impact
from outcomes.analysis.simulate import simulate_area_panel


def _panel(trend: float, seed: int, noise: float = 0.3):
    """Two treated areas, 30 donors, 10 pre-periods; ``trend`` a year is added to the treated throughout."""
    sim = simulate_area_panel(
        n_donors=30,
        n_periods=16,
        start=10,
        monthly=False,
        factor_scale=0.0,
        noise=noise,
        effect=-1.0,
        seed=seed,
    )
    panel = sim.panel.copy()
    is_t = panel["unit"].str.startswith("T")
    panel.loc[is_t, "value"] += trend * (panel.loc[is_t, "period"].astype(int) - 2000)
    return panel, sim.treated


@pytest.mark.parametrize("method", ["did", "event-study"])
def test_a_planted_linear_pretrend_is_flagged(method):
    panel, treated = _panel(trend=0.3, seed=1)
    result = area_impact(panel, treated, method, placebos=99)
    assert result.pretrend["p_value"] < 0.05
    assert result.pretrend["slope"] == pytest.approx(0.3, abs=0.1)
    assert any(w.startswith("failed pre-trend test") for w in result.warnings)


@pytest.mark.parametrize("method", ["did", "event-study"])
def test_a_clean_design_is_not_flagged(method):
    panel, treated = _panel(trend=0.0, seed=1)
    result = area_impact(panel, treated, method, placebos=99)
    assert result.pretrend["p_value"] > 0.05
    assert result.pretrend["power"] >= 0.8
    assert not any("pre-trend" in w for w in result.warnings)


def test_a_test_that_could_not_see_the_violation_says_so():
    # Noise ten times the planted effect: passing the pre-trend test proves nothing.
    panel, treated = _panel(trend=0.0, seed=1, noise=3.0)
    result = area_impact(panel, treated, "did", placebos=99)
    assert result.pretrend["p_value"] > 0.05
    assert result.pretrend["power"] < 0.8
    assert any(w.startswith("low-powered pre-trend test") for w in result.warnings)
    assert "power against a linear pre-trend" in result.pretrend["power_method"]


def test_did_carries_the_event_study_leads_and_sensitivity_bounds():
    panel, treated = _panel(trend=0.0, seed=1)
    result = area_impact(panel, treated, "did", placebos=99)
    assert [lead["event_time"] for lead in result.pretrend["leads"]] == list(range(-10, -1))
    assert "placebo" in result.pretrend["test"]
    sensitivity = result.pretrend["sensitivity"]
    assert {"relative_magnitudes", "smoothness", "inference"} <= set(sensitivity)
    assert "union of 95% intervals" in sensitivity["inference"]
    # The estimate and its placebo interval did not move: only diagnostics were added.
    assert result.placebo["n"] == 99
    assert result.as_dict()["pretrend"]["sensitivity"]["smoothness"]["breakdown_m"] >= 0

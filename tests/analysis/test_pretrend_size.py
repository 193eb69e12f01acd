"""The pre-trend test's size and power over simulated designs (fixed seeds, loose bounds; bench/pretrend_size.py
runs more repetitions with the same designs): it rejects parallel-trend designs about as often as its level
and a design built to fail almost always."""

import pytest

from outcomes.analysis.area import area_impact
from outcomes.analysis.simulate import simulate_area_panel


def rejection_rate(*, method: str, trend: float, reps: int, first_seed: int = 100) -> float:
    """Share of designs (2 treated, 30 donors, 16 years, start in year 11) whose test rejects at 5%, the
    treated drifting by `trend` a year throughout."""
    rejected = 0
    for seed in range(first_seed, first_seed + reps):
        sim = simulate_area_panel(
            n_donors=30,
            n_periods=16,
            start=10,
            monthly=False,
            factor_scale=0.0,
            noise=0.3,
            effect=-1.0,
            seed=seed,
        )
        panel = sim.panel.copy()
        is_t = panel["unit"].str.startswith("T")
        panel.loc[is_t, "value"] += trend * (panel.loc[is_t, "period"].astype(int) - 2000)
        pretrend = area_impact(panel, sim.treated, method, placebos=49, seed=seed).pretrend or {}
        rejected += int(pretrend["p_value"] < 0.05)
    return rejected / reps


def test_the_pretrend_test_keeps_its_size_under_parallel_trends() -> None:
    # At a true 5% size, 40 designs reject more than 8 times with probability under 0.1%.
    assert rejection_rate(method="did", trend=0.0, reps=40) <= 0.2


@pytest.mark.parametrize("method", ["did", "event-study"])
def test_the_pretrend_test_has_power_against_a_design_built_to_fail(method: str) -> None:
    assert rejection_rate(method=method, trend=0.1, reps=10) >= 0.8

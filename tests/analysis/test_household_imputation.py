import numpy as np
import pandas as pd
import pytest

from outcomes.analysis.bacon import LATER_VS_EARLIER
from outcomes.analysis.errors import AnalysisError
from outcomes.analysis.household_imputation import household_staggered_event_study

WINDOW = (-4, 8)


def staggered_panel(
    *,
    households: int = 600,
    months: int = 30,
    areas: int = 30,
    starts: tuple[float, ...] = (np.nan, 6, 12, 18),
    growth: float = -0.5,
    pre_trend: float = 0.0,
    by_area: bool = True,
    seed: int = 0,
) -> pd.DataFrame:
    """Areas start in turn (a quarter never); the effect in month r after the start is growth * (r + 1)."""
    rng = np.random.default_rng(seed)
    hh = np.repeat(np.arange(households), months)
    t = np.tile(np.arange(months), households)
    area = np.arange(households) % areas
    group = (area if by_area else rng.integers(0, len(starts), households)) % len(starts)
    start = np.array(starts)[group][hh]
    rel = t - start
    effect = np.where(rel >= 0, growth * (rel + 1), 0.0)
    drift = np.where(np.isnan(start), 0.0, pre_trend * t)
    y = rng.normal(0, 1, households)[hh] + 0.05 * t + drift + effect + rng.normal(0, 0.5, hh.size)
    return pd.DataFrame({"household": hh, "area": area[hh], "period": t, "y": y, "start": start})


@pytest.fixture(scope="module")
def planted() -> pd.DataFrame:
    return staggered_panel()


@pytest.fixture(scope="module")
def result(planted):
    return household_staggered_event_study(planted, outcome="y", window=WINDOW)


def test_recovers_effects_growing_with_time_since_start_where_twfe_does_not(result):
    post = {c.relative_period: c for c in result.coefficients if c.relative_period >= 0}
    twfe = {c.relative_period: c.estimate for c in result.twfe.coefficients}
    assert sorted(post) == list(range(9))
    for r in range(8):
        assert post[r].estimate == pytest.approx(-0.5 * (r + 1), abs=0.1)
    # 95% intervals: with eight of them one miss is expected now and then, more would not be.
    assert sum(post[r].ci_low < -0.5 * (r + 1) < post[r].ci_high for r in range(8)) >= 7
    # TWFE leans on already-treated cohorts as controls and misses the path badly.
    assert max(abs(twfe[r] + 0.5 * (r + 1)) for r in range(8)) > 0.5
    assert abs(twfe[-4]) > 0.3
    assert result.bacon is not None
    assert result.bacon.kind(LATER_VS_EARLIER).weight > 0.2
    assert result.bacon.kind(LATER_VS_EARLIER).estimate > 0


def test_leads_and_headline_state_their_inference(result):
    leads = [c for c in result.coefficients if c.relative_period < 0]
    assert [c.relative_period for c in leads] == [-4, -3, -2, -1]
    assert all(abs(c.estimate) < 0.1 for c in leads)
    assert result.pre_trend_p_value > 0.05
    assert result.cluster == "area"
    assert result.treatment_assigned_by_area
    assert result.n_clusters == 30
    assert "Borusyak, Jaravel and Spiess" in result.inference
    assert "clustered by area" in result.inference
    assert "t(29)" in result.inference
    assert result.ci_low < result.estimate < result.ci_high
    assert result.p_value < 0.001
    assert result.treated_obs_not_imputed == 0


def test_matches_pyfixest_did2s(planted, result):
    pf = pytest.importorskip("pyfixest")
    frame = planted.assign(treat=(planted["period"] >= planted["start"]).astype(int))
    rel = (frame["period"] - frame["start"]).clip(upper=WINDOW[1])
    names = [f"e{k}" for k in range(WINDOW[1] + 1)]
    frame = frame.assign(**{f"e{k}": ((frame["treat"] == 1) & (rel == k)).astype(float) for k in range(9)})
    fit = pf.did2s(
        frame,
        yname="y",
        first_stage="~ 0 | household + period",
        second_stage="~ " + " + ".join(names),
        treatment="treat",
        cluster="area",
    )
    ours = [c for c in result.coefficients if c.relative_period >= 0]
    np.testing.assert_allclose([c.estimate for c in ours], fit.coef().to_numpy(), atol=1e-6)
    # Gardner's GMM variance and BJS's leave-out variance differ in construction, but agree where the
    # effect is one per cell; the pooled end point is not compared.
    np.testing.assert_allclose([c.se for c in ours[:-1]], fit.se().to_numpy()[:-1], rtol=0.15)


def test_household_level_starts_cluster_by_household():
    frame = staggered_panel(by_area=False, households=300, seed=2)
    result = household_staggered_event_study(frame, outcome="y", window=WINDOW)
    assert result.cluster == "household"
    assert not result.treatment_assigned_by_area
    assert result.n_clusters == 300
    assert "clustered by household" in result.inference


def test_flags_a_planted_pre_trend():
    frame = staggered_panel(pre_trend=0.05, seed=3)
    result = household_staggered_event_study(frame, outcome="y", window=WINDOW)
    assert result.pre_trend_p_value < 0.01
    assert any("pre-trend test fails" in w for w in result.warnings)


def test_households_treated_from_their_first_month_cannot_be_imputed(planted):
    late_joiners = planted[
        ~((planted["start"] == 12) & (planted["period"] < 12) & (planted["household"] < 60))
    ]
    result = household_staggered_event_study(late_joiners, outcome="y", window=WINDOW)
    assert result.treated_obs_not_imputed > 0
    assert any("could not be imputed" in w for w in result.warnings)


def test_window_must_hold_a_lead_and_month_zero(planted):
    with pytest.raises(AnalysisError, match="must contain a month before the start and month 0"):
        household_staggered_event_study(planted, outcome="y", window=(0, 8))

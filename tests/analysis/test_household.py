import itertools

import numpy as np
import pandas as pd
import pytest

from outcomes.analysis.absorb import demean
from outcomes.analysis.errors import AnalysisError
from outcomes.analysis.fe import feols
from outcomes.analysis.household import household_did, household_event_study


def simulate_households(
    *,
    effect: float = -0.08,
    areas: int = 20,
    treated_areas: tuple[int, ...] = (0, 1),
    households: int = 2000,
    months: int = 36,
    start: int = 18,
    area_shock: float = 0.0,
    staggered: bool = False,
    seed: int = 0,
) -> pd.DataFrame:
    """Household-months of a 0/1 dependency flag; households in ``treated_areas`` start at ``start``."""
    rng = np.random.default_rng(seed)
    area_of = np.arange(households) % areas
    base = rng.uniform(0.1, 0.6, households)
    shocks = rng.normal(0, area_shock, (areas, months)) if area_shock else np.zeros((areas, months))
    hh = np.repeat(np.arange(households), months)
    t = np.tile(np.arange(months), households)
    a = area_of[hh]
    offset = a % 6 if staggered else 0
    begins = np.where(np.isin(a, treated_areas), start + offset, np.nan)
    treated = ~np.isnan(begins) & (t >= begins)
    prob = np.clip(base[hh] - 0.002 * t + shocks[a, t] + effect * treated, 0, 1)
    frame = pd.DataFrame(
        {
            "household": hh,
            "area": a,
            "period": t,
            "dependent": (rng.random(hh.size) < prob).astype(float),
            "start": begins,
        }
    )
    # Households leave and join: drop a tenth of household-months at random.
    return frame[rng.random(len(frame)) > 0.1].reset_index(drop=True)


@pytest.fixture(scope="module")
def area_panel() -> pd.DataFrame:
    return simulate_households(area_shock=0.01, seed=1)


def test_recovers_a_planted_effect_on_dependency(area_panel):
    result = household_did(area_panel, outcome="dependent", area_inference=False)
    assert result.estimate == pytest.approx(-0.08, abs=0.02)
    assert result.n_clusters == result.n_units == 2000
    assert result.n_treated_households == 200
    assert "clustered by household" in result.inference


def test_area_assigned_treatment_warns_and_adds_area_level_inference(area_panel):
    result = household_did(area_panel, outcome="dependent")
    assert result.treatment_assigned_by_area
    assert any("household-clustered standard errors" in w and "far too small" in w for w in result.warnings)
    assert any("only 2 treated area(s)" in w for w in result.warnings)
    area = result.area
    assert area is not None
    assert area.n_areas == 20
    assert area.n_treated_areas == 2
    assert area.randomisation_enumerated
    assert area.randomisation_assignments == 190  # 20 choose 2
    assert area.randomisation_p_value == pytest.approx(1 / 190)
    assert area.wild_ci_low < -0.08 < area.wild_ci_high
    assert area.wild_p_value < 0.05
    assert "wild cluster bootstrap" in area.inference


def test_household_level_treatment_has_no_area_warning():
    frame = simulate_households(seed=2)
    rng = np.random.default_rng(2)
    chosen = rng.random(2000) < 0.3
    frame["start"] = np.where(chosen[frame["household"]], 18.0, np.nan)
    result = household_did(frame, outcome="dependent")
    assert not result.treatment_assigned_by_area
    assert result.area is None
    assert not any("assigned by area" in w for w in result.warnings)


def brute_force_wild(frame: pd.DataFrame) -> float:
    """WCR p-value refitting every one of the 2^G sign flips with feols."""
    y = frame["dependent"].to_numpy()
    codes = [pd.factorize(frame[c])[0] for c in ("household", "period")]
    restricted_resid = demean(y, codes)[0]
    area_codes = pd.factorize(frame["area"])[0]
    observed = feols(frame, "dependent", ["_treated"], ["household", "period"], cluster="area")
    t_obs = abs(observed.estimate / observed.se)
    hits = []
    for signs in itertools.product([-1.0, 1.0], repeat=area_codes.max() + 1):
        star = frame.assign(dependent=y - restricted_resid + restricted_resid * np.array(signs)[area_codes])
        fitted = feols(star, "dependent", ["_treated"], ["household", "period"], cluster="area")
        hits.append(abs(fitted.estimate / fitted.se) >= t_obs - 1e-9)
    return float(np.mean(hits))


def test_wild_bootstrap_matches_refitting_every_sign_vector():
    frame = simulate_households(areas=7, treated_areas=(0, 3), households=210, months=12, start=6, seed=3)
    result = household_did(frame, outcome="dependent")
    assert result.area.wild_enumerated
    assert result.area.wild_draws == 2**7
    frame["_treated"] = (frame["period"] >= frame["start"]).astype(float)
    assert result.area.wild_p_value == pytest.approx(brute_force_wild(frame), abs=1e-12)


def test_randomisation_matches_refitting_every_assignment():
    frame = simulate_households(areas=6, treated_areas=(1, 4), households=180, months=12, start=6, seed=4)
    result = household_did(frame, outcome="dependent")
    observed = abs(result.estimate)
    hits = []
    for pair in itertools.combinations(range(6), 2):
        start = np.where(frame["area"].isin(pair), 6.0, np.nan)
        refit = frame.assign(_treated=(frame["period"] >= start).astype(float))
        hits.append(
            abs(feols(refit, "dependent", ["_treated"], ["household", "period"]).estimate) >= observed - 1e-12
        )
    assert result.area.randomisation_assignments == 15
    assert result.area.randomisation_p_value == pytest.approx(np.mean(hits), abs=1e-12)


def test_webb_weights_are_enumerated_for_very_few_areas():
    frame = simulate_households(areas=4, treated_areas=(0,), households=120, months=10, start=5, seed=5)
    result = household_did(frame, outcome="dependent")
    assert result.area.wild_weights == "Webb six-point"
    assert result.area.wild_draws == 6**4


def test_event_study_recovers_the_planted_path_and_passes_the_pre_trend_test():
    frame = simulate_households(areas=40, treated_areas=tuple(range(0, 40, 2)), staggered=True, seed=6)
    result = household_event_study(frame, outcome="dependent", window=(-4, 6))
    table = result.table()
    assert -1 not in table.index
    assert table.loc[-4, "label"] == "<=-4"
    assert table.loc[6, "label"] == ">=6"
    assert table.loc[[-4, -3, -2], "estimate"].abs().max() < 0.03
    assert table.loc[range(0, 7), "estimate"].mean() == pytest.approx(-0.08, abs=0.015)
    assert result.estimate == pytest.approx(-0.08, abs=0.015)
    assert result.pre_trend_p_value > 0.05
    assert result.pre_trend_df[0] == 3
    assert "joint Wald F test" in result.inference


def test_event_study_flags_a_failed_pre_trend():
    frame = simulate_households(seed=7)
    treated = frame["start"].notna()
    # Treated households were already improving before the start.
    frame.loc[treated, "dependent"] -= 0.01 * frame.loc[treated, "period"]
    result = household_event_study(frame, outcome="dependent")
    assert result.pre_trend_p_value < 0.05
    assert any("pre-trend test fails" in w for w in result.warnings)


def test_accepts_monthly_periods():
    frame = simulate_households(seed=8)
    months = pd.period_range("2021-01", periods=36, freq="M")
    frame["period"] = months[frame["period"]]
    frame["start"] = np.where(frame["start"].notna(), "2022-07", None)
    result = household_did(frame, outcome="dependent", area_inference=False)
    assert result.n_periods == 36
    assert result.estimate == pytest.approx(-0.08, abs=0.02)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns="area"), "missing column: area"),
        (
            lambda f: f.assign(dependent=f["dependent"].where(f.index != 0)),
            "column 'dependent' has 1 missing",
        ),
        (lambda f: pd.concat([f, f.iloc[:1]]), r"duplicate \(household, period\) rows"),
        (lambda f: f.assign(start=np.nan), "no household-month is treated"),
        (lambda f: f.assign(start=0.0), "every household-month is treated"),
        (
            lambda f: f.assign(start=np.where(f.index == 0, 3.0, f["start"])),
            "more than one value in column 'start'",
        ),
        (lambda f: f[f["period"] == 0], "at least two months"),
    ],
)
def test_bad_panels_are_refused(change, message):
    frame = change(simulate_households(households=100, areas=5, treated_areas=(0,), seed=9))
    with pytest.raises(AnalysisError, match=message):
        household_did(frame, outcome="dependent", area_inference=False)


def test_forced_area_inference_without_area_assignment_skips_randomisation():
    frame = simulate_households(households=300, areas=8, treated_areas=(0, 1, 2), seed=10)
    frame.loc[frame["household"] % 16 == 0, "start"] = np.nan
    result = household_did(frame, outcome="dependent", area_inference=True)
    assert not result.treatment_assigned_by_area
    assert result.area is not None
    assert np.isnan(result.area.randomisation_p_value)
    assert 0 <= result.area.wild_p_value <= 1
    assert "no randomisation inference" in result.area.inference


def test_event_study_needs_the_reference_month():
    frame = simulate_households(households=200, seed=11)
    frame = frame[frame["period"] != 17]
    with pytest.raises(AnalysisError, match="relative month -1"):
        household_event_study(frame, outcome="dependent")

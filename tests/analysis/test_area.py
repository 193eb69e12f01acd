"""Area impact: validation of input panels, DiD and event study, and the shape of every result."""

import json

import numpy as np
import pandas as pd
import pytest

from outcomes.analysis import AnalysisError
from outcomes.analysis.area import area_impact
from outcomes.analysis.simulate import simulate_area_panel


@pytest.fixture(scope="module")
def sim():
    return simulate_area_panel(effect=-2.0, seed=1)


@pytest.fixture(scope="module")
def small():
    return simulate_area_panel(n_donors=25, n_periods=24, start=16, monthly=False, seed=5)


def _parallel_panel(effect: float = -2.0, pre_trend: float = 0.0, seed: int = 0):
    """Parallel trends hold (no factors) unless a pre-period trend is planted on the treated units."""
    sim = simulate_area_panel(
        n_donors=60,
        n_periods=30,
        start=20,
        monthly=False,
        factor_scale=0.0,
        noise=0.3,
        effect=effect,
        seed=seed,
    )
    panel = sim.panel.copy()
    if pre_trend:
        is_t = panel["unit"].str.startswith("T")
        years = panel["period"].astype(int) - 2000
        panel.loc[is_t, "value"] += pre_trend * np.minimum(years[is_t], 20)
    return panel, sim.treated


def test_did_equals_the_hand_computed_two_by_two(small):
    wide = small.panel.pivot(index="unit", columns="period", values="value")
    treated = wide.loc[["T01", "T02"]]
    donors = wide.drop(["T01", "T02"])
    pre, post = wide.columns[:16], wide.columns[16:]
    hand = (treated[post].to_numpy().mean() - treated[pre].to_numpy().mean()) - (
        donors[post].to_numpy().mean() - donors[pre].to_numpy().mean()
    )
    result = area_impact(small.panel, small.treated, "did")
    assert result.estimate == pytest.approx(hand, abs=1e-10)


@pytest.mark.parametrize("method", ["did", "event-study"])
def test_recovers_a_planted_effect_when_trends_are_parallel(method):
    panel, treated = _parallel_panel(effect=-2.0)
    result = area_impact(panel, treated, method)
    # The event study's headline rests on one reference period, so it is noisier than the DiD.
    assert result.estimate == pytest.approx(-2.0, abs=0.3 if method == "did" else 0.5)
    assert result.ci_low < -2.0 < result.ci_high
    assert "cluster-robust errors are not valid" in result.inference
    assert result.p_value is not None
    assert result.p_value < 0.05


def test_did_inference_is_area_level_randomisation(sim):
    result = area_impact(sim.panel, sim.treated, "did", placebos=99)
    assert result.placebo["n"] == 99
    assert "randomisation inference at area level" in result.inference
    assert result.se > 0
    assert result.ci_low < result.estimate < result.ci_high


def test_event_study_passes_pretrend_test_when_parallel():
    panel, treated = _parallel_panel()
    result = area_impact(panel, treated, "event-study")
    assert result.pretrend["p_value"] > 0.05
    assert not any("pre-trend" in w for w in result.warnings)
    leads = [c for c in result.event_study if c["event_time"] < 0]
    assert len(leads) == 19
    assert {c["event_time"] for c in result.event_study} == set(range(-20, 10)) - {-1}


def test_event_study_warns_when_pretrend_fails():
    panel, treated = _parallel_panel(pre_trend=0.3)
    result = area_impact(panel, treated, "event-study")
    assert result.pretrend["p_value"] < 0.05
    assert any("failed pre-trend test" in w for w in result.warnings)


@pytest.mark.parametrize("method", ["did", "event-study", "sc", "sdid", "cs"])
def test_every_method_returns_json_ready_result_with_inference_and_sample(small, method):
    result = area_impact(small.panel, small.treated, method, placebos=30)
    d = json.loads(json.dumps(result.as_dict()))
    for key in (
        "method",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "p_value",
        "inference",
        "n_treated",
        "n_donors",
        "pre_rmspe",
        "weights",
        "warnings",
        "sample",
    ):
        assert key in d
    assert d["method"] == method
    assert d["n_treated"] == 2
    assert d["n_donors"] == 25
    assert d["inference"]
    if method == "cs":
        assert set(d["aggregations"]) >= {"simple", "group", "dynamic"}


@pytest.mark.parametrize(
    "to_period",
    [
        lambda y: y,
        lambda y: pd.Period(year=y, freq="Y"),
        lambda y: str(y),
    ],
)
def test_period_formats_give_the_same_estimate(small, to_period):
    panel = small.panel.assign(period=[to_period(int(p)) for p in small.panel["period"]])
    treated = {u: to_period(int(s)) for u, s in small.treated.items()}
    base = area_impact(small.panel, small.treated, "did", placebos=20)
    assert area_impact(panel, treated, "did", placebos=20).estimate == pytest.approx(base.estimate)


def test_monthly_timestamps_and_iso_months_agree(sim):
    as_ts = sim.panel.assign(period=pd.to_datetime(sim.panel["period"] + "-01"))
    treated = {u: pd.Timestamp(s + "-01") for u, s in sim.treated.items()}
    a = area_impact(sim.panel, sim.treated, "did", placebos=20)
    b = area_impact(as_ts, treated, "did", placebos=20)
    assert a.estimate == pytest.approx(b.estimate)
    assert a.sample["treated"] == {"T01": "2011-09", "T02": "2011-09"}


def _broken(small, change):
    panel = small.panel.copy()
    return change(panel)


@pytest.mark.parametrize(
    ("change", "treated", "message"),
    [
        (lambda p: p.drop(columns="value"), None, "missing column(s) 'value'"),
        (lambda p: p.assign(value=p["value"].where(p.index != 5)), None, "missing or non-numeric"),
        (lambda p: pd.concat([p, p.iloc[[3]]]), None, "duplicate rows for unit"),
        (lambda p: p.drop(index=7), None, "unbalanced"),
        (lambda p: p, {"NOPE": 2016}, "treated unit 'NOPE' is not in the panel"),
        (lambda p: p, {"T01": 2001}, "pre-period(s); at least 2 needed"),
        (lambda p: p, {"T01": 2030}, "after the last period"),
        (lambda p: p.assign(value=1.0), None, "does not vary"),
        (lambda p: p.assign(period="spring"), None, "is not a year"),
    ],
)
def test_bad_data_raises_a_clear_error(small, change, treated, message):
    with pytest.raises(AnalysisError, match=message.replace("(", r"\(").replace(")", r"\)")):
        area_impact(change(small.panel.copy()), treated or small.treated, "did")


def test_unknown_method_and_misplaced_covariates_are_refused(small):
    with pytest.raises(AnalysisError, match="method must be one of"):
        area_impact(small.panel, small.treated, "magic")
    with pytest.raises(AnalysisError, match="covariates are used only by method 'sc'"):
        area_impact(small.panel, small.treated, "did", covariates=pd.DataFrame({"unit": ["T01"]}))


def test_too_few_donors_is_refused(small):
    keep = small.panel[small.panel["unit"].isin(["T01", "T02", "D0001"])]
    with pytest.raises(AnalysisError, match="1 donor unit"):
        area_impact(keep, small.treated, "sc")


def test_donor_list_restricts_the_pool(small):
    donors = [f"D{j:04d}" for j in range(1, 6)]
    result = area_impact(small.panel, small.treated, "sc", donors=donors, leave_one_out=False)
    assert result.n_donors == 5
    assert result.placebo["exhaustive"]
    assert result.placebo["n"] == 10
    assert set(result.weights) <= set(donors)
    assert any("smallest attainable p-value" in w for w in result.warnings)


def test_staggered_did_warns_about_twfe_weights():
    sim = simulate_area_panel(
        seed=2, n_treated=3, n_donors=40, n_periods=30, starts=[15, 18, 21], monthly=False
    )
    result = area_impact(sim.panel, sim.treated, "did", placebos=50)
    assert any("Goodman-Bacon" in w for w in result.warnings)
    assert result.estimate == pytest.approx(-2.0, abs=0.5)


def test_event_study_window_restricts_the_coefficients():
    panel, treated = _parallel_panel()
    result = area_impact(panel, treated, "event-study", window=(-5, 3), placebos=50)
    assert [c["event_time"] for c in result.event_study] == [-5, -4, -3, -2, 0, 1, 2, 3]
    assert result.pretrend["df"] == 4

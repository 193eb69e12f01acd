"""Callaway-Sant'Anna group-time effects against the R did package's mpdta results and a hand-computed 2x2."""

import importlib.resources

import numpy as np
import pandas as pd
import pytest

from outcomes.analysis import AnalysisError
from outcomes.analysis.area import area_impact
from outcomes.analysis.area_inference import permutation_p
from outcomes.analysis.simulate import simulate_area_panel
from outcomes.analysis.staggered import att_gt, placebo_interval


@pytest.fixture(scope="module")
def mpdta():
    """County teen employment, 2003-2007 (Callaway and Sant'Anna 2021), as shipped with moderndid."""
    pytest.importorskip("moderndid")
    path = importlib.resources.files("moderndid.core.datasets").joinpath("mpdta_long.pkl.gz")
    with importlib.resources.as_file(path) as file:
        raw = pd.read_pickle(file)  # noqa: S301 - a data file shipped inside an installed package
    panel = pd.DataFrame({"unit": raw["countyreal"].astype(str), "period": raw["year"], "value": raw["lemp"]})
    starts = raw.groupby("countyreal")["first.treat"].first()
    treated = {str(u): int(g) for u, g in starts.items() if g != 0}
    return panel, treated


def test_mpdta_simple_group_and_dynamic_match_published(mpdta):
    panel, treated = mpdta
    result = att_gt(panel, treated)
    # did::aggte(att_gt(lemp ~ 1, mpdta, never-treated)): simple -0.0400, group -0.0310, dynamic -0.0772.
    assert result.simple["estimate"] == pytest.approx(-0.0400, abs=5e-5)
    assert result.group["overall"]["estimate"] == pytest.approx(-0.0310, abs=5e-5)
    assert result.dynamic["overall"]["estimate"] == pytest.approx(-0.0772, abs=5e-5)
    # Analytical influence-function SEs; the published 0.0118 is a bootstrap draw of the same quantity.
    assert result.simple["se"] == pytest.approx(0.012034, abs=1e-6)
    assert result.simple["se"] == pytest.approx(0.0118, abs=5e-4)
    assert result.dynamic["overall"]["se"] == pytest.approx(0.019965, abs=1e-6)


def test_mpdta_group_time_cells_match_published(mpdta):
    panel, treated = mpdta
    cells = {(r["group"], r["time"]): r for r in att_gt(panel, treated).att_gt}
    assert len(cells) == 12
    assert cells[("2004", "2004")]["estimate"] == pytest.approx(-0.0105, abs=5e-5)
    assert cells[("2004", "2004")]["se"] == pytest.approx(0.0233, abs=5e-5)
    assert cells[("2004", "2006")]["estimate"] == pytest.approx(-0.1373, abs=5e-5)
    assert cells[("2007", "2007")]["estimate"] == pytest.approx(-0.0261, abs=5e-5)
    assert cells[("2006", "2004")]["post"] is False


def test_mpdta_bootstrap_se_is_near_the_analytical(mpdta):
    panel, treated = mpdta
    result = att_gt(panel, treated, bootstrap=999, seed=0)
    # An IQR-based SE from 999 draws varies by about 5% from seed to seed.
    assert result.simple["se"] == pytest.approx(0.0120, abs=1.5e-3)
    assert "multiplier bootstrap" in result.inference


def test_matches_moderndid_with_not_yet_treated_controls(mpdta):
    moderndid = pytest.importorskip("moderndid")
    panel, treated = mpdta
    raw = panel.assign(countyreal=panel["unit"].astype(int), year=panel["period"], lemp=panel["value"])
    raw["first.treat"] = raw["unit"].map(treated).fillna(0).astype(int)
    for ours, theirs in (("never", "nevertreated"), ("not-yet", "notyettreated")):
        peer = moderndid.att_gt(
            raw,
            yname="lemp",
            tname="year",
            idname="countyreal",
            gname="first.treat",
            est_method="reg",
            boot=False,
            cband=False,
            control_group=theirs,
        )
        agg = moderndid.aggte(peer, type="simple", boot=False, cband=False)
        mine = att_gt(panel, treated, control_group=ours).simple
        assert mine["estimate"] == pytest.approx(agg.overall_att, abs=1e-10)
        assert mine["se"] == pytest.approx(agg.overall_se, abs=1e-10)


def test_each_cell_is_the_hand_computed_two_by_two():
    sim = simulate_area_panel(
        n_donors=30, n_treated=4, n_periods=8, starts=[3, 3, 5, 6], monthly=False, seed=3
    )
    result = att_gt(sim.panel, sim.treated)
    wide = sim.panel.pivot(index="unit", columns="period", values="value")
    never = [u for u in wide.index if u.startswith("D")]
    for row in result.att_gt:
        g, t = int(row["group"]), int(row["time"])
        base = g - 1 if t >= g else t - 1
        cohort = [u for u, s in sim.treated.items() if int(s) == g]
        hand = (wide.loc[cohort, t] - wide.loc[cohort, base]).mean() - (
            wide.loc[never, t] - wide.loc[never, base]
        ).mean()
        assert row["estimate"] == pytest.approx(hand, abs=1e-12)


def test_recovers_a_planted_effect_with_parallel_trends():
    # The chi-squared pre-trend test needs groups well above the number of lead cells to hold its size.
    sim = simulate_area_panel(
        n_donors=150,
        n_treated=150,
        n_periods=10,
        starts=[4] * 50 + [6] * 50 + [8] * 50,
        monthly=False,
        factor_scale=0.0,
        seed=0,
    )
    result = att_gt(sim.panel, sim.treated)
    assert result.simple["estimate"] == pytest.approx(-2.0, abs=0.3)
    assert result.simple["ci_low"] < -2.0 < result.simple["ci_high"]
    assert result.pretrend["p_value"] > 0.05
    assert result.warnings == ()


def test_small_groups_and_first_period_starts_are_flagged():
    sim = simulate_area_panel(n_donors=20, n_treated=2, n_periods=8, start=4, monthly=False, seed=0)
    treated = {**sim.treated, "D0001": 2000}
    result = att_gt(sim.panel, treated)
    assert any("below n=10" in w for w in result.warnings)
    assert any("treated in the first period" in w for w in result.warnings)


def test_area_impact_cs_carries_the_aggregations(mpdta):
    panel, treated = mpdta
    result = area_impact(panel, treated, "cs").as_dict()
    assert result["estimate"] == pytest.approx(-0.0400, abs=5e-5)
    assert set(result["aggregations"]) >= {"simple", "group", "dynamic"}
    assert result["event_study"][0]["event_time"] == -3


def test_needs_never_treated_controls():
    sim = simulate_area_panel(n_donors=2, n_treated=2, n_periods=8, start=4, monthly=False, seed=0)
    treated = {**sim.treated, "D0001": 2005}
    with pytest.raises(AnalysisError, match="never-treated unit"):
        att_gt(sim.panel, treated)
    with pytest.raises(AnalysisError, match="control_group"):
        att_gt(sim.panel, sim.treated, control_group="sometimes")


def test_influence_function_se_equals_two_sample_formula():
    sim = simulate_area_panel(n_donors=15, n_treated=12, n_periods=4, start=2, monthly=False, seed=6)
    cell = next(r for r in att_gt(sim.panel, sim.treated).att_gt if r["time"] == "2002")
    wide = sim.panel.pivot(index="unit", columns="period", values="value")
    dy = wide[2002] - wide[2001]
    treated = dy[[u for u in dy.index if u.startswith("T")]]
    control = dy[[u for u in dy.index if u.startswith("D")]]
    se = np.sqrt(treated.var(ddof=0) / len(treated) + control.var(ddof=0) / len(control))
    assert cell["se"] == pytest.approx(se, rel=1e-12)


def test_two_treated_units_get_a_placebo_headline_not_an_analytic_one():
    sim = simulate_area_panel(n_donors=14, n_treated=2, n_periods=10, starts=[5, 7], monthly=False, seed=1)
    result = area_impact(sim.panel, sim.treated, "cs")
    analytic = result.aggregations["simple"]
    assert result.estimate == analytic["estimate"]
    assert result.placebo == {"n": 91, "exhaustive": True, "se": result.se, "p_value": result.p_value}
    # With 91 placebo fits the rank p-value cannot go below 1/92; the analytic one claims far more.
    assert result.p_value >= 1 / 92
    assert analytic["p_value"] < 1e-4
    assert "NOT VALID with 2 treated" in result.aggregations["analytic_inference"]
    assert result.pretrend["valid"] is False
    assert "Conley and Taber" in result.inference
    # The interval and the p-value agree: zero is outside exactly when p <= 0.05.
    assert (result.ci_low > 0 or result.ci_high < 0) == (result.p_value <= 0.05)


def test_placebo_interval_excludes_zero_exactly_when_the_rank_p_value_is_at_most_5_percent():
    placebo = np.linspace(-1.0, 1.0, 39)  # 40 ranks: k = 2, the second-largest |placebo| is 1.0
    assert placebo_interval(0.5, placebo) == (-0.5, 1.5)
    for estimate in (0.9, 0.999, 1.0, 1.001, 1.2):
        low, _ = placebo_interval(estimate, placebo)
        p = permutation_p(abs(estimate), np.abs(placebo))
        assert (low > 0) == (p <= 0.05)
    assert placebo_interval(0.5, placebo[:18]) == (-np.inf, np.inf)

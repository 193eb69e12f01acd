"""Synthetic control and synthetic DiD against California Proposition 99 (Arkhangelsky et al. 2021, Table 1)
and the reference synthdid implementation."""

import numpy as np
import pandas as pd
import pytest

from outcomes.analysis.area import area_impact
from outcomes.analysis.simulate import simulate_area_panel
from outcomes.analysis.synth import fit_batch, project_simplex, simplex_nnls

# The R synthdid package's values for the smoking data, as printed in the paper and its vignette.
PUBLISHED = {"sdid": -15.604, "sc": -19.620, "did": -27.349}


@pytest.fixture(scope="module")
def prop99() -> pd.DataFrame:
    datasets = pytest.importorskip("synthdid.datasets")
    raw = datasets.load_california_prop99()
    return pd.DataFrame({"unit": raw["State"], "period": raw["Year"], "value": raw["PacksPerCapita"]})


@pytest.fixture(scope="module")
def prop99_matrices(prop99):
    wide = prop99.pivot(index="unit", columns="period", values="value")
    return wide.drop("California").to_numpy(), wide.loc[["California"]].to_numpy()


@pytest.mark.parametrize("method", ["sdid", "sc", "did"])
def test_reference_solver_reproduces_published_prop99_estimates(prop99_matrices, method):
    donors, treated = prop99_matrices
    fit = fit_batch(donors, treated, 19, method, solver="synthdid")
    assert fit.tau[0] == pytest.approx(PUBLISHED[method], abs=1e-3)


def test_exact_solver_matches_published_sdid_and_did(prop99_matrices):
    donors, treated = prop99_matrices
    assert fit_batch(donors, treated, 19, "sdid").tau[0] == pytest.approx(-15.605, abs=1e-3)
    assert fit_batch(donors, treated, 19, "did").tau[0] == pytest.approx(-27.349, abs=1e-3)


def test_exact_sc_finds_a_better_fit_than_the_reference_stopping_rule(prop99_matrices):
    donors, treated = prop99_matrices
    exact = fit_batch(donors, treated, 19, "sc")
    reference = fit_batch(donors, treated, 19, "sc", solver="synthdid")
    # Frank-Wolfe stops early on this flat problem; the exact optimum moves the estimate by about 0.1.
    assert exact.tau[0] == pytest.approx(-19.514, abs=1e-3)
    assert exact.pre_rmspe[0] < reference.pre_rmspe[0]
    assert abs(exact.tau[0] - PUBLISHED["sc"]) < 0.11


@pytest.mark.parametrize(("method", "published_se"), [("sdid", 8.4), ("sc", 9.9), ("did", 17.7)])
def test_prop99_placebo_standard_errors_are_near_the_papers(prop99, method, published_se):
    result = area_impact(prop99, {"California": 1989}, method, in_time=False, leave_one_out=False)
    # The paper draws 200 random placebos; here every one of the 38 states is used once.
    assert result.placebo["exhaustive"]
    assert result.placebo["n"] == 38
    assert result.se == pytest.approx(published_se, rel=0.15)
    assert result.estimate == pytest.approx(PUBLISHED[method], abs=0.11)


def test_prop99_sc_reports_weights_diagnostics_and_paths(prop99):
    result = area_impact(prop99, {"California": 1989}, "sc")
    d = result.as_dict()
    assert sum(d["weights"].values()) == pytest.approx(1.0)
    assert max(d["weights"], key=d["weights"].get) == "Utah"
    assert d["p_value"] == pytest.approx(3 / 39)
    assert set(d["treated_path"]) == {str(y) for y in range(1970, 2001)}
    assert d["in_time_placebo"]["fake_start"] == "1979"
    assert {r["dropped"] for r in d["leave_one_out"]} == set(d["weights"])
    assert "Abadie" in d["inference"]


def test_matches_reference_package_on_random_panels():
    synthdid = pytest.importorskip("synthdid")
    for seed in range(3):
        sim = simulate_area_panel(n_donors=30, n_treated=2, n_periods=24, start=16, monthly=False, seed=seed)
        wide = sim.panel.pivot(index="unit", columns="period", values="value")
        y = np.vstack([wide.drop(["T01", "T02"]).to_numpy(), wide.loc[["T01", "T02"]].to_numpy()])
        peer = {
            "sdid": float(synthdid.synthdid_estimate(y, 30, 16)),
            "sc": float(synthdid.sc_estimate(y, 30, 16)),
            "did": float(synthdid.did_estimate(y, 30, 16)),
        }
        target = y[30:].mean(axis=0, keepdims=True)
        for method, value in peer.items():
            mine = fit_batch(y[:30], target, 16, method, n_treated=2, solver="synthdid").tau[0]
            assert mine == pytest.approx(value, abs=1e-6)
            exact = fit_batch(y[:30], target, 16, method, n_treated=2).tau[0]
            assert exact == pytest.approx(value, abs=0.05)


@pytest.mark.parametrize("method", ["sc", "sdid"])
def test_recovers_a_planted_effect(method):
    sim = simulate_area_panel(effect=-2.0, seed=1)
    result = area_impact(sim.panel, sim.treated, method)
    assert result.estimate == pytest.approx(-2.0, abs=0.3)
    assert result.ci_low < -2.0 < result.ci_high
    assert result.n_treated == 2
    assert result.n_donors == 100


def test_treated_outside_the_donors_range_warns_of_poor_fit():
    sim = simulate_area_panel(seed=3, n_donors=40, n_periods=40)
    panel = sim.panel.copy()
    is_t = panel["unit"].str.startswith("T")
    panel.loc[is_t, "value"] += 30.0 + np.sin(np.arange(is_t.sum())) * 3
    result = area_impact(panel, sim.treated, "sc", leave_one_out=False)
    assert any("poor pre-period fit" in w for w in result.warnings)


def test_staggered_starts_are_estimated_per_cohort():
    sim = simulate_area_panel(seed=2, n_treated=3, n_donors=40, starts=[60, 70, 80])
    result = area_impact(sim.panel, sim.treated, "sdid", placebos=50, leave_one_out=False)
    assert len(result.cohorts) == 3
    assert sum(c["weight"] for c in result.cohorts) == pytest.approx(1.0)
    assert any("per start cohort" in w for w in result.warnings)
    assert result.estimate == pytest.approx(-2.0, abs=0.3)


def test_sc_with_covariates_matches_predictors():
    sim = simulate_area_panel(seed=4, n_donors=30, n_periods=36)
    units = sorted(sim.panel["unit"].unique())
    rng = np.random.default_rng(0)
    covariates = pd.DataFrame({"unit": units, "share_private_rent": rng.uniform(0.1, 0.5, len(units))})
    result = area_impact(
        sim.panel, sim.treated, "sc", covariates=covariates, placebos=30, leave_one_out=False
    )
    assert "covariates" in result.inference
    assert sum(result.weights.values()) == pytest.approx(1.0)


def test_simplex_projection_and_nnls_respect_the_simplex():
    rng = np.random.default_rng(0)
    v = rng.normal(size=(7, 5))
    w = project_simplex(v)
    assert np.allclose(w.sum(axis=0), 1.0)
    assert (w >= 0).all()
    a, b = rng.normal(size=(10, 6)), rng.normal(size=10)
    x = simplex_nnls(a, b)
    assert x.sum() == pytest.approx(1.0)
    assert (x >= 0).all()


def test_in_time_placebo_flags_a_break_before_the_start():
    sim = simulate_area_panel(n_donors=40, n_periods=40, start=30, monthly=False, factor_scale=0.0, seed=8)
    panel = sim.panel.copy()
    years = panel["period"].astype(int) - 2000
    panel.loc[panel["unit"].str.startswith("T") & (years >= 15), "value"] += 3.0
    result = area_impact(panel, sim.treated, "sdid", leave_one_out=False)
    assert result.in_time_placebo["fake_start"] == "2015"
    assert result.in_time_placebo["estimate"] == pytest.approx(3.0, abs=0.5)
    assert any("in-time placebo" in w for w in result.warnings)


def test_sdid_reports_time_weights_and_leave_one_out():
    sim = simulate_area_panel(n_donors=30, n_periods=30, start=20, monthly=False, seed=9)
    result = area_impact(sim.panel, sim.treated, "sdid", placebos=40)
    assert sum(result.time_weights.values()) == pytest.approx(1.0)
    assert all(int(k) < 2020 for k in result.time_weights)
    assert 0 < len(result.leave_one_out) <= 20
    assert all(r["dropped"] in result.weights for r in result.leave_one_out)
    # Treated minus counterfactual over the post-period is the estimate itself.
    post = [str(y) for y in range(2020, 2030)]
    gap = np.mean([result.treated_path[p] - result.counterfactual_path[p] for p in post])
    assert gap == pytest.approx(result.estimate, abs=1e-8)


def test_exhaustive_placebo_sd_matches_reference_package_refits(prop99_matrices):
    synthdid = pytest.importorskip("synthdid")
    donors, _ = prop99_matrices
    n0 = donors.shape[0]
    peer = []
    for j in range(n0):
        rows = [i for i in range(n0) if i != j] + [j]
        peer.append(float(synthdid.synthdid_estimate(donors[rows], n0 - 1, 19)))
    ours = fit_batch(donors, donors, 19, "sdid", allowed=~np.eye(n0, dtype=bool)).tau
    # Algorithm 4's SD over every placebo state; the paper's 8.4 is a 200-draw sample of the same thing.
    assert np.std(ours) == pytest.approx(np.std(peer), abs=0.01)
    assert np.std(ours) == pytest.approx(9.37, abs=0.01)


@pytest.mark.parametrize("method", ["sdid", "sc"])
def test_prop99_interval_agrees_with_its_placebo_p_value(prop99, method):
    result = area_impact(prop99, {"California": 1989}, method, in_time=False, leave_one_out=False)
    excludes_zero = result.ci_low > 0 or result.ci_high < 0
    assert excludes_zero == (result.p_value < 0.05)
    assert result.ci_low < result.estimate < result.ci_high
    assert "inverts that test" in result.inference

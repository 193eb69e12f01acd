"""Placebo fits, bootstrap draws and permutations in chunks: the same seed gives the same result whoever runs
the chunks."""

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest

from outcomes.analysis import household_inference
from outcomes.analysis.absorb import demean
from outcomes.analysis.area import area_impact
from outcomes.analysis.errors import AnalysisError
from outcomes.analysis.fanout import ProcessMap, chunk_bounds, chunk_seeds, serial_map, shutdown_pools
from outcomes.analysis.fe import feols
from outcomes.analysis.household import household_did
from outcomes.analysis.simulate import simulate_area_households, simulate_area_panel


def reversed_map(fn: Callable[[Any], Any], tasks: Sequence[Any], /) -> list[Any]:
    """Runs the chunks last first, as workers finishing out of order would."""
    return [fn(task) for task in reversed(tasks)][::-1]


@pytest.fixture(scope="module")
def sim():
    return simulate_area_panel(n_donors=40, n_treated=2, n_periods=24, seed=4)


def test_chunks_cover_the_range_once():
    bounds = chunk_bounds(260, 125)
    assert bounds == [(0, 125), (125, 250), (250, 260)]
    assert chunk_bounds(0) == []


@pytest.mark.parametrize("method", ["sc", "sdid", "did", "cs"])
def test_result_is_the_same_whatever_runs_the_chunks(sim, method):
    # Three chunks of placebos for sc and sdid (125 each), two for did (250), three for cs (50).
    n = 120 if method == "cs" else 300
    kwargs: dict[str, Any] = dict(placebos=n, seed=11)
    if method in ("sc", "sdid"):
        kwargs.update(in_time=False, leave_one_out=False)
    serial = area_impact(sim.panel, sim.treated, method, **kwargs).as_dict()
    assert serial["placebo"]["n"] == n
    assert area_impact(sim.panel, sim.treated, method, map_chunks=reversed_map, **kwargs).as_dict() == serial
    try:
        for workers in (1, 2, 3, 4):
            pooled = area_impact(sim.panel, sim.treated, method, map_chunks=ProcessMap(workers), **kwargs)
            assert pooled.as_dict() == serial
    finally:
        shutdown_pools()


def test_a_different_seed_draws_different_placebos(sim):
    kwargs = dict(placebos=300, in_time=False, leave_one_out=False)
    one = area_impact(sim.panel, sim.treated, "sdid", seed=1, **kwargs)
    two = area_impact(sim.panel, sim.treated, "sdid", seed=2, **kwargs)
    assert one.estimate == two.estimate
    assert one.se != two.se


def test_chunk_seeds_depend_only_on_the_seed_and_the_chunk():
    def draws(seeds):
        return [np.random.default_rng(s).standard_normal(3) for s in seeds]

    first = draws(chunk_seeds(7, 4))
    again = draws(reversed(chunk_seeds(7, 4)))[::-1]
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    # The first chunks do not change when more chunks are asked for, and chunks differ from each other.
    assert all(np.array_equal(a, b) for a, b in zip(first, draws(chunk_seeds(7, 6)), strict=False))
    assert not np.array_equal(first[0], first[1])
    assert not np.array_equal(first[0], draws(chunk_seeds(8, 1))[0])


def test_serial_map_keeps_order():
    assert serial_map(lambda x: x * 2, [3, 1, 2]) == [6, 2, 4]


def test_without_a_pool_the_chunks_run_here(sim, monkeypatch):
    def no_children(self):
        raise AssertionError("daemonic processes are not allowed to have children")

    monkeypatch.setattr(ProcessMap, "_pool", no_children)
    kwargs = dict(placebos=300, seed=11, in_time=False, leave_one_out=False)
    serial = area_impact(sim.panel, sim.treated, "sc", **kwargs).as_dict()
    assert area_impact(sim.panel, sim.treated, "sc", map_chunks=ProcessMap(2), **kwargs).as_dict() == serial


# Wild cluster bootstrap draws and randomisation permutations, in chunks of their own.


@pytest.fixture(scope="module")
def hh_panel() -> pd.DataFrame:
    # 16 areas: too many to enumerate sign vectors (2^16) or assignments (16 choose 5 = 4,368).
    return simulate_area_households(areas=16, treated=(0, 3, 5, 9, 12), per_area=8, months=10, seed=21)


@pytest.fixture(scope="module")
def null_panel() -> pd.DataFrame:
    # No effect, so the p-values fall inside (0, 1) and every draw's statistic counts.
    return simulate_area_households(
        areas=16, treated=(0, 3, 5, 9, 12), per_area=8, months=10, seed=22, effect=0.0
    )


def test_bootstrap_and_permutations_are_the_same_whatever_runs_the_chunks(hh_panel):
    kwargs = dict(outcome="dependent", bootstrap_draws=2500, permutations=2500, seed=5)
    serial = household_did(hh_panel, **kwargs).as_dict()
    area = serial["area"]
    assert not area["wild_enumerated"]
    assert area["wild_draws"] == 2500  # three chunks of draws
    assert not area["randomisation_enumerated"]
    assert area["randomisation_assignments"] == 2500  # three chunks of permutations
    assert household_did(hh_panel, map_chunks=reversed_map, **kwargs).as_dict() == serial
    try:
        for workers in (1, 2, 4):
            assert household_did(hh_panel, map_chunks=ProcessMap(workers), **kwargs).as_dict() == serial
    finally:
        shutdown_pools()
    other = household_did(hh_panel, **{**kwargs, "seed": 6}).area
    assert other.wild_ci_low != area["wild_ci_low"]
    assert (
        other.randomisation_p_value != area["randomisation_p_value"]
        or other.wild_p_value != area["wild_p_value"]
    )


def test_no_draws_is_refused(hh_panel):
    with pytest.raises(AnalysisError, match="at least 1"):
        household_did(hh_panel, outcome="dependent", bootstrap_draws=0)


def chunk_streams(seed: int, stream: int, sizes: list[int]) -> list[np.random.Generator]:
    """The generators the chunks of one stream (0 bootstrap, 1 permutations) draw from, rebuilt here."""
    parent = np.random.SeedSequence(seed).spawn(2)[stream]
    return [np.random.default_rng(child) for child in parent.spawn(len(sizes))]


def test_random_bootstrap_draws_match_refitting_each_sign_vector(null_panel, monkeypatch):
    monkeypatch.setattr(household_inference, "BOOTSTRAP_CHUNK", 40)
    result = household_did(null_panel, outcome="dependent", bootstrap_draws=100, permutations=10, seed=3)
    assert result.area.wild_draws == 100
    sizes = [40, 40, 20]
    signs = np.vstack(
        [
            rng.choice([-1.0, 1.0], size=(k, 16))
            for rng, k in zip(chunk_streams(3, 0, sizes), sizes, strict=True)
        ]
    )
    frame = null_panel.assign(_treated=(null_panel["period"] >= null_panel["start"]).astype(float))
    y = frame["dependent"].to_numpy()
    restricted = demean(y, [pd.factorize(frame[c])[0] for c in ("household", "period")])[0]
    observed = feols(frame, "dependent", ["_treated"], ["household", "period"], cluster="area")
    t_obs = abs(observed.estimate / observed.se)
    hits = []
    for v in signs:
        star = frame.assign(dependent=y - restricted + restricted * v[frame["area"].to_numpy()])
        fitted = feols(star, "dependent", ["_treated"], ["household", "period"], cluster="area")
        hits.append(abs(fitted.estimate / fitted.se) >= t_obs - 1e-9)
    assert 0.1 < np.mean(hits) < 0.9
    assert result.area.wild_p_value == pytest.approx(np.mean(hits), abs=1e-12)


def test_random_permutations_match_refitting_each_assignment(null_panel, monkeypatch):
    monkeypatch.setattr(household_inference, "PERMUTATION_CHUNK", 30)
    result = household_did(null_panel, outcome="dependent", bootstrap_draws=100, permutations=80, seed=4)
    assert result.area.randomisation_assignments == 80
    sizes = [30, 30, 19]  # the observed assignment first, then 79 drawn
    labels = np.isin(np.arange(16), (0, 3, 5, 9, 12))
    drawn = [
        rng.permuted(np.tile(labels, (k, 1)), axis=1)
        for rng, k in zip(chunk_streams(4, 1, sizes), sizes, strict=True)
    ]
    observed = abs(result.estimate)
    hits = [True]
    for treated_areas in np.vstack(drawn):
        start = np.where(treated_areas[null_panel["area"].to_numpy()], 5.0, np.nan)
        refit = null_panel.assign(_treated=(null_panel["period"] >= start).astype(float))
        beta = feols(refit, "dependent", ["_treated"], ["household", "period"]).estimate
        hits.append(abs(beta) >= observed - 1e-12)
    assert 0.1 < np.mean(hits) < 0.9
    assert result.area.randomisation_p_value == pytest.approx(np.mean(hits), abs=1e-12)

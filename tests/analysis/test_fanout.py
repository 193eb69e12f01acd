"""Placebo fits in chunks: the same seed gives the same result whoever runs the chunks."""

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest

from outcomes.analysis.area import area_impact
from outcomes.analysis.fanout import ProcessMap, chunk_bounds, chunk_seeds, serial_map, shutdown_pools
from outcomes.analysis.simulate import simulate_area_panel


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


@pytest.mark.parametrize("method", ["sc", "sdid"])
def test_result_is_the_same_whatever_runs_the_chunks(sim, method):
    kwargs = dict(placebos=300, seed=11, in_time=False, leave_one_out=False)
    serial = area_impact(sim.panel, sim.treated, method, **kwargs).as_dict()
    assert serial["placebo"]["n"] == 300  # three chunks
    assert area_impact(sim.panel, sim.treated, method, map_chunks=reversed_map, **kwargs).as_dict() == serial
    try:
        for workers in (2, 3):
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

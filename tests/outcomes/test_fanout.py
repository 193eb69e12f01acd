"""Placebo, bootstrap and permutation chunks sent through Celery come back as they were fitted here."""

from typing import Any

import numpy as np
import pytest

from outcomes.analysis.area import area_impact
from outcomes.analysis.fanout import ProcessMap
from outcomes.analysis.household import household_did
from outcomes.analysis.simulate import simulate_area_households, simulate_area_panel
from outcomes.fanout import CeleryMap, chunk_map, decode, encode, run_named_chunk


def test_encoding_round_trips_arrays_exactly():
    rng = np.random.default_rng(0)
    value = {
        "y": rng.standard_normal((3, 4)),
        "mask": rng.random(5) > 0.5,
        "sets": [np.arange(6).reshape(3, 2)],
    }
    back = decode(encode(value))
    assert back["y"].tobytes() == value["y"].tobytes()
    assert back["mask"].dtype == bool
    assert np.array_equal(back["mask"], value["mask"])
    assert back["sets"][0].shape == (3, 2)


@pytest.mark.parametrize("method", ["sdid", "did", "cs"])
def test_celery_group_gives_the_result_of_one_process(settings, method):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the group runs inline, through the same encoding
    sim = simulate_area_panel(n_donors=30, n_treated=2, n_periods=20, seed=2)
    kwargs: dict[str, Any] = dict(placebos=110 if method == "cs" else 260, seed=3)
    if method == "sdid":
        kwargs.update(in_time=False, leave_one_out=False)
    here = area_impact(sim.panel, sim.treated, method, **kwargs).as_dict()
    assert area_impact(sim.panel, sim.treated, method, map_chunks=CeleryMap(), **kwargs).as_dict() == here


def test_bootstrap_and_permutation_chunks_through_celery_give_the_result_of_one_process(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    panel = simulate_area_households(areas=15, treated=(1, 4, 8, 11), per_area=6, months=8, seed=7)
    kwargs = dict(outcome="dependent", bootstrap_draws=1500, permutations=1200, seed=9)
    here = household_did(panel, **kwargs).as_dict()
    assert not here["area"]["wild_enumerated"]
    assert not here["area"]["randomisation_enumerated"]
    assert household_did(panel, map_chunks=CeleryMap(), **kwargs).as_dict() == here


def test_only_registered_chunk_functions_run():
    with pytest.raises(ValueError, match=r"no chunk function named 'os\.system'"):
        run_named_chunk("os.system", {})


def test_the_embedded_default_uses_local_processes(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.ANALYSIS_WORKERS = 3
    mapper = chunk_map()
    assert isinstance(mapper, ProcessMap)
    assert mapper.workers == 3
    settings.CELERY_TASK_ALWAYS_EAGER = False  # a broker
    settings.ANALYSIS_CHUNK_QUEUE = ""
    assert isinstance(chunk_map(), ProcessMap)  # nobody may consume a chunk queue: keep them local
    settings.ANALYSIS_CHUNK_QUEUE = "analysis-chunks"
    assert isinstance(chunk_map(), CeleryMap)

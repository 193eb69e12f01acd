"""Area-level impact of a place-based intervention: DiD, event study, synthetic control, synthetic DiD and
Callaway-Sant'Anna, each with inference valid for a handful of treated areas.

With two treated wards, cluster-robust standard errors have two clusters on the treated side and are not
valid; every method here draws its uncertainty from placebo fits on the donor areas instead
(``area_inference``). The methods live in ``area_did`` (DiD, event study), ``area_synthetic`` (synthetic
control, synthetic DiD) and ``staggered`` (Callaway-Sant'Anna).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from .area_did import did_impact, event_study_impact
from .area_inference import AreaImpact
from .area_synthetic import synthetic_impact
from .errors import AnalysisError
from .fanout import Mapper, serial_map
from .panel import prepare_panel
from .staggered import att_gt_to_impact

METHODS = ("did", "event-study", "sc", "sdid", "cs")


def area_impact(
    panel: pd.DataFrame,
    treated: Mapping[str, Any],
    method: str = "sdid",
    *,
    donors: list[str] | None = None,
    placebos: int | None = None,
    seed: int = 0,
    covariates: pd.DataFrame | None = None,
    solver: str = "exact",
    control_group: str = "never",
    window: tuple[int, int] | None = None,
    in_time: bool = True,
    leave_one_out: bool = True,
    map_chunks: Mapper = serial_map,
) -> AreaImpact:
    """Estimate the effect of the intervention on the treated areas' ``value`` against donor areas.

    ``panel`` is long (unit, period, value); ``treated`` maps each treated unit to its start period;
    ``method`` is one of "did", "event-study", "sc", "sdid", "cs". ``placebos`` sets the number of placebo
    fits (default: every donor when one unit is treated, else 200 random donor sets). ``covariates``
    (unit + numeric columns) makes synthetic control match them with V weights. ``solver`` "synthdid"
    reproduces the reference R package's Frank-Wolfe stopping rule. ``control_group`` ("never" or
    "not-yet") applies to "cs". ``map_chunks`` runs the placebo fits of "sc", "sdid", "did" and "cs" in chunks
    (``fanout.serial_map`` here, ``fanout.ProcessMap`` over local processes, or the caller's own); the
    result is the same whichever runs them.
    """
    if method not in METHODS:
        raise AnalysisError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    if covariates is not None and method != "sc":
        raise AnalysisError("covariates are used only by method 'sc' (predictor matching with V weights)")
    if placebos is not None and placebos < 1:
        raise AnalysisError("placebos must be at least 1")
    rng = np.random.default_rng(seed)
    if method == "cs":
        return att_gt_to_impact(
            panel,
            treated,
            donors=donors,
            control_group=control_group,
            placebos=placebos,
            rng=rng,
            map_chunks=map_chunks,
        )
    ap = prepare_panel(panel, treated, donors=donors, min_pre=2)
    if method == "did":
        return did_impact(ap, placebos=placebos, rng=rng, map_chunks=map_chunks)
    if method == "event-study":
        return event_study_impact(ap, placebos=placebos, rng=rng, window=window)
    return synthetic_impact(
        ap,
        method,
        placebos=placebos,
        rng=rng,
        solver=solver,
        covariates=covariates,
        in_time=in_time,
        leave_one_out=leave_one_out,
        map_chunks=map_chunks,
    )

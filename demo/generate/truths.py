"""The truths planted in the demo, for estimators to recover: the effect on households, on the wards'
claimant rates and on the benefits bill, with the calibration targets."""

from typing import Any

import numpy as np

from .areas import TARGET_KENT_EQUIVALENT
from .benefits import (
    CTR_AMOUNT,
    HB_IF_DEPENDENT,
    HB_IF_NOT,
    OUT_OF_WORK_AMOUNT,
    Panel,
    Records,
    WardStatistics,
    housing_benefit_amount,
)
from .casework import Treatment
from .households import Households
from .world import N_MONTHS, TARGET_WARDS, TASK_FORCE_START


def planted_truths(
    *,
    seed: int,
    effect: float,
    hh: Households,
    treatment: Treatment,
    panel: Panel,
    records: Records,
    wards: WardStatistics,
) -> dict[str, Any]:
    """Area effects are expected claimants with minus without the effect, over working-age population."""
    p_act, p_cf, post = panel.p_act, panel.p_cf, panel.post
    hm_hh, hm_ward = panel.household, hh.ward[panel.household]
    wap = wards.working_age
    exp_act = np.zeros((2, N_MONTHS))
    exp_cf = np.zeros((2, N_MONTHS))
    np.add.at(exp_act, (hm_ward, panel.month), p_act * panel.head_present)
    np.add.at(exp_cf, (hm_ward, panel.month), p_cf * panel.head_present)
    post_m = slice(TASK_FORCE_START, N_MONTHS)
    rate_effect_by_ward = (100 * (exp_act - exp_cf) / np.maximum(wap, 1))[:, post_m].mean(axis=1)
    rate_effect_combined = float((100 * (exp_act - exp_cf).sum(0) / wap.sum(0))[post_m].mean())
    oow_mean_amount = float(np.mean(list(OUT_OF_WORK_AMOUNT.values())))
    renter = hh.tenure != 2
    hb_gain = np.where(
        renter[hm_hh], (HB_IF_DEPENDENT - HB_IF_NOT) * (housing_benefit_amount(hh)[hm_hh] + CTR_AMOUNT), 0.0
    )
    pound_effect = (p_act - p_cf) * (oow_mean_amount + hb_gain) * panel.uprate * records.scale
    return {
        "seed": seed,
        "start": "2010-09",
        "household_effect_dependent": float((p_act - p_cf)[post].mean()),
        "household_effect_dependent_nominal": effect,
        "household_effect_benefit_monthly": float(pound_effect[post].mean()),
        "area_effect_out_of_work_rate": {TARGET_WARDS[w]: float(rate_effect_by_ward[w]) for w in (0, 1)},
        "area_effect_out_of_work_rate_combined": rate_effect_combined,
        "bill_2009": wards.bill_2009,
        "population_2009": wards.population_2009,
        "kent_equivalent_2009": TARGET_KENT_EQUIVALENT,
        "gap_2009": wards.bill_2009 - TARGET_KENT_EQUIVALENT,
        "households": int(hh.n),
        "treated_households": int(treatment.treated.sum()),
        "placed_households": int(hh.placed.sum()),
        "calibration_scale": records.scale,
        "notes": (
            "Dependency is drawn each month with probability alpha_i + gamma_t + effect once a household's "
            "first task-force intervention starts; area effects are expected claimants with minus without "
            "the effect, over working-age population, averaged over 2010-09 to 2015-12."
        ),
    }

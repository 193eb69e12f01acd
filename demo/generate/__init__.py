"""A deterministic, plainly synthetic Margate: households, people, homes, placements, interventions,
benefit records and area statistics, 2006-01 to 2015-12, with planted effects for estimators to recover.

Pure numpy/pandas: `generate()` returns tables keyed by local row numbers; `demo/load.py` writes them.
Each step draws from one random generator in a fixed order, so a seed gives the same world; a step that
drew in another order would change every table after it. See docs/demo-data.md for how the world is built.

- `households`: slots, the households that fill them one after another (transience), and their members;
- `homes`: properties, moves, and private sector housing (licences, inspections, hazards, enforcement);
- `placements`: placements into the wards by other authorities;
- `casework`: who the task force works with from when, interventions, referrals, data-sharing bases;
- `consent`: referrals kept to each case's data-sharing basis;
- `duplicates`: a few planted duplicate people for the review queue;
- `benefits`: monthly dependency with the planted effect, benefit records scaled to the wards' 2009 bill
  of £48m, and the wards' statistics computed from them;
- `areas`: area statistics for the wards, Kent and the synthetic comparator wards;
- `truths`: the planted truths.
"""

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .areas import area_statistics, shock_loading
from .benefits import benefit_table, draw_benefit_records, draw_dependency, ward_statistics
from .casework import draw_treatment, intervention_rows, referral_table, sharing_table
from .consent import referrals_within_basis
from .duplicates import plant_duplicates
from .homes import draw_residences, plan_homes, private_sector_housing, property_table
from .households import draw_households, draw_people, household_table, people_table
from .placements import placement_table
from .truths import planted_truths
from .world import N_MONTHS, common_shock


@dataclass
class DemoData:
    tables: dict[str, pd.DataFrame]
    truths: dict[str, Any]
    staff: list[dict[str, Any]] = field(default_factory=list)

    def row_count(self) -> int:
        return sum(len(t) for t in self.tables.values())


def generate(*, seed: int = 2010, households: int = 6000, effect: float = -0.10) -> DemoData:
    """Build the demo world with `households` living in the wards at any one time (more cases over ten years)."""
    rng = np.random.default_rng(seed)
    gamma = common_shock(np.arange(N_MONTHS))

    hh = draw_households(rng, households=households)
    homes = plan_homes(hh)
    residences = draw_residences(rng, hh, homes)
    people = draw_people(rng, hh)
    treatment = draw_treatment(rng, hh)
    panel = draw_dependency(rng, hh, people, treatment, gamma=gamma, effect=effect)
    records = draw_benefit_records(rng, hh, people, panel)
    wards = ward_statistics(hh, people, records)
    truths = planted_truths(
        seed=seed, effect=effect, hh=hh, treatment=treatment, panel=panel, records=records, wards=wards
    )

    properties = property_table(rng, homes, seed=seed)
    household_rows = household_table(hh, treated=treatment.treated, treat_start=treatment.start)
    placements = placement_table(rng, households=household_rows, residences=residences)
    iv_rows = intervention_rows(rng, treatment)
    interventions = pd.DataFrame(iv_rows)
    referrals = referral_table(rng, iv_rows)
    sharing = sharing_table(rng, household_rows)
    referrals = referrals_within_basis(referrals, sharing)
    housing = private_sector_housing(rng, properties)
    statistics = area_statistics(
        rng,
        source=f"Synthetic demo data (seed {seed}): not real figures",
        wards=wards,
        gamma=gamma,
        loading=shock_loading(hh, panel, wards),
    )
    tables = {
        "properties": properties,
        "households": household_rows,
        "residences": residences,
        "people": plant_duplicates(people_table(people), household_rows),
        "placements": placements,
        "interventions": interventions,
        "referrals": referrals,
        "sharing": sharing,
        **housing,
        "benefits": benefit_table(records),
        "statistics": statistics,
    }
    return DemoData(tables=tables, truths=truths)

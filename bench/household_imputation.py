"""Coverage of the imputation event study's intervals, and the bias of plain TWFE, over simulated panels.

Each replication draws households in areas that start at months 6, 12, 18 or never, with an effect of
growth * (r + 1) in month r after the start, fits ``household_staggered_event_study`` and records, for
months 0..7 and the headline mean, whether the 95% interval covers the truth, and the TWFE event study's
error at the same months.

    .venv/bin/python bench/household_imputation.py [--reps N] [--households N] [--areas N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from outcomes.analysis.household_imputation import household_staggered_event_study

WINDOW = (-4, 8)
STARTS = (np.nan, 6, 12, 18)


def panel(households: int, areas: int, months: int, growth: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    hh = np.repeat(np.arange(households), months)
    t = np.tile(np.arange(months), households)
    area = np.arange(households) % areas
    start = np.array(STARTS)[area % len(STARTS)][hh]
    rel = t - start
    effect = np.where(rel >= 0, growth * (rel + 1), 0.0)
    # An area shock makes households within an area correlated, as treatment assigned by place implies.
    shock = rng.normal(0, 0.2, (areas, months))[area[hh], t]
    y = rng.normal(0, 1, households)[hh] + 0.05 * t + shock + effect + rng.normal(0, 0.5, hh.size)
    return pd.DataFrame({"household": hh, "area": area[hh], "period": t, "y": y, "start": start})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--households", type=int, default=400)
    parser.add_argument("--areas", type=int, default=40)
    parser.add_argument("--months", type=int, default=30)
    parser.add_argument("--growth", type=float, default=-0.5)
    args = parser.parse_args()
    truth = {r: args.growth * (r + 1) for r in range(8)}
    covered = {r: 0 for r in truth}
    headline_covered = 0
    twfe_error = {r: [] for r in truth}
    began = time.perf_counter()
    for seed in range(args.reps):
        frame = panel(args.households, args.areas, args.months, args.growth, seed)
        result = household_staggered_event_study(frame, outcome="y", window=WINDOW)
        post = {c.relative_period: c for c in result.coefficients}
        for r, value in truth.items():
            covered[r] += post[r].ci_low < value < post[r].ci_high
        # The headline also averages the pooled end point, whose truth is the mean over its rows.
        treated = frame[frame["period"] >= frame["start"]]
        rel = (treated["period"] - treated["start"]).clip(upper=WINDOW[1])
        pooled = float(
            (
                args.growth
                * (treated.loc[rel == WINDOW[1], "period"] - treated.loc[rel == WINDOW[1], "start"] + 1)
            ).mean()
        )
        headline = (sum(truth.values()) + pooled) / (len(truth) + 1)
        headline_covered += result.ci_low < headline < result.ci_high
        twfe = {c.relative_period: c.estimate for c in result.twfe.coefficients} if result.twfe else {}
        for r, value in truth.items():
            twfe_error[r].append(twfe.get(r, np.nan) - value)
    print(
        f"{args.reps} replications, {args.households} households in {args.areas} areas, {args.months} months, "
        f"{time.perf_counter() - began:.0f} s"
    )
    print("month  coverage  mean TWFE error")
    for r in truth:
        print(f"{r:>5}  {covered[r] / args.reps:8.3f}  {np.nanmean(twfe_error[r]):+.3f}")
    print(f"headline coverage {headline_covered / args.reps:.3f}")


if __name__ == "__main__":
    main()

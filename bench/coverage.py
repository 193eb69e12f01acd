"""Coverage and rejection rate of the area-impact 95% intervals under a zero effect, with the treated area as
noisy as the donors and three times noisier.

One treated area among 39 donors, 16 years, start in year 13 (the design of tests/analysis/test_coverage.py,
with more replications). For each method it prints the coverage of the reported interval, the rejection
rate of the placebo p-value at 5%, and, as the peer measured in the same run, the coverage of the normal
interval estimate +/- 1.96 x placebo SE that synthetic control, synthetic DiD and DiD reported before.

    PYTHONPATH=. .venv/bin/python bench/coverage.py [--reps 200]
"""

from __future__ import annotations

import argparse
import os
import time

from outcomes.analysis.area import area_impact
from outcomes.analysis.constants import Z95
from outcomes.analysis.simulate import simulate_area_panel

METHODS = ("sc", "sdid", "did")
NOISE = 0.5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--donors", type=int, default=39)
    args = parser.parse_args()
    print(f"{args.reps} replications, 1 treated, {args.donors} donors, 16 periods, zero effect\n")
    print(
        f"{'treated noise':<15}{'method':<8}{'coverage':>10}{'rejection':>11}{'normal-SE coverage':>20}{'s/rep':>8}"
    )
    rows = []
    for ratio in (1.0, 3.0):
        for method in METHODS:
            cover = reject = normal = 0
            start = time.perf_counter()
            for seed in range(args.reps):
                sim = simulate_area_panel(
                    n_donors=args.donors,
                    n_treated=1,
                    n_periods=16,
                    start=12,
                    monthly=False,
                    effect=0.0,
                    noise=NOISE,
                    treated_noise=ratio * NOISE,
                    seed=1000 + seed,
                )
                r = area_impact(sim.panel, sim.treated, method, in_time=False, leave_one_out=False)
                cover += r.ci_low <= 0.0 <= r.ci_high
                reject += r.p_value is not None and r.p_value < 0.05
                normal += abs(r.estimate) <= Z95 * r.se
            per_rep = (time.perf_counter() - start) / args.reps
            line = (cover / args.reps, reject / args.reps, normal / args.reps)
            rows.append((ratio, method, *line))
            print(f"{ratio:<15.0f}{method:<8}{line[0]:>10.3f}{line[1]:>11.3f}{line[2]:>20.3f}{per_rep:>8.3f}")
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nload average (1 / 5 / 15 min): {load}\n")
    print(
        "Line for docs/benchmarks.md (treated noise x1, then x3; coverage / rejection / normal-SE coverage):"
    )
    cells = " | ".join(f"{c:.2f} / {r:.2f} / {n:.2f}" for _, _, c, r, n in rows)
    print(f"| {args.reps} | {cells} | {load} | `bench/coverage.py --reps {args.reps}` |")


if __name__ == "__main__":
    main()

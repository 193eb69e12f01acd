"""Monte Carlo check of every area-impact method: bias, RMSE and 95% interval coverage on planted effects.

Two treated areas among 100 donors, as in Margate. Two data-generating processes:
- "factor": outcomes driven by common factors with unit-specific loadings (parallel trends fail; the treated
  units are convex combinations of donors, the setting synthetic control is built for);
- "parallel": unit and period effects only (parallel trends hold).

Slow; not part of the test suite.

    PYTHONPATH=. .venv/bin/python scripts/validate_area.py [--reps 100] [--placebos 100] [--periods 48]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from outcomes.analysis.area import area_impact
from outcomes.analysis.simulate import simulate_area_panel

METHODS = ("did", "event-study", "sc", "sdid", "cs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=100)
    parser.add_argument("--placebos", type=int, default=100)
    parser.add_argument("--periods", type=int, default=48)
    parser.add_argument("--donors", type=int, default=100)
    parser.add_argument("--effect", type=float, default=-2.0)
    args = parser.parse_args()
    start = (2 * args.periods) // 3
    print(
        f"{args.reps} replications, {args.donors} donors, 2 treated, {args.periods} periods "
        f"(start at {start}), effect {args.effect}, {args.placebos} placebo fits\n"
    )
    print(
        f"{'DGP':<10}{'method':<13}{'bias':>8}{'RMSE':>8}{'mean SE':>9}{'SD est':>8}{'coverage':>10}{'sec/rep':>9}"
    )
    for dgp, factor_scale in (("factor", 1.0), ("parallel", 0.0)):
        results: dict[str, list[tuple[float, float, float, float]]] = {m: [] for m in METHODS}
        seconds = dict.fromkeys(METHODS, 0.0)
        for rep in range(args.reps):
            sim = simulate_area_panel(
                n_donors=args.donors,
                n_treated=2,
                n_periods=args.periods,
                start=start,
                effect=args.effect,
                factor_scale=factor_scale,
                seed=10_000 + rep,
            )
            for method in METHODS:
                t = time.perf_counter()
                r = area_impact(
                    sim.panel,
                    sim.treated,
                    method,
                    placebos=args.placebos,
                    seed=rep,
                    in_time=False,
                    leave_one_out=False,
                )
                seconds[method] += time.perf_counter() - t
                results[method].append((r.estimate, r.se, r.ci_low, r.ci_high))
        for method in METHODS:
            arr = np.array(results[method])
            err = arr[:, 0] - args.effect
            covered = (arr[:, 2] <= args.effect) & (args.effect <= arr[:, 3])
            print(
                f"{dgp:<10}{method:<13}{err.mean():>8.3f}{np.sqrt((err**2).mean()):>8.3f}{arr[:, 1].mean():>9.3f}"
                f"{arr[:, 0].std(ddof=1):>8.3f}{covered.mean():>10.2f}{seconds[method] / args.reps:>9.2f}"
            )


if __name__ == "__main__":
    main()

"""Time SC and SDID with 1,000 placebo fits on 1,000 donor areas x 120 months, and (``--resampling``) the
household DiD's wild cluster bootstrap and randomisation inference, over 1, 2 and 4 local worker processes;
print the speed-up against one worker measured in the same run.

The result is identical whatever the number of workers (tests/analysis/test_fanout.py); only the time
changes. One worker runs the chunks in this process with one BLAS thread; more start a pool first (its
start-up is timed apart and is paid once per process, not per analysis).

``--resampling`` times ``household_did`` on households in ``--areas`` areas (half treated) with
``--draws`` bootstrap draws and ``--permutations`` random reassignments, and once with one draw and one
permutation: the part that is not split (the fit and one demeaning per area or per (area, start) pair).

    PYTHONPATH=. .venv/bin/python bench/fanout.py [--donors 1000] [--months 120] [--placebos 1000] [--workers 1 2 4]
    PYTHONPATH=. .venv/bin/python bench/fanout.py --methods --resampling [--areas 400] [--draws 99999]
"""

from __future__ import annotations

import argparse
import os
import time

from threadpoolctl import threadpool_limits

from outcomes.analysis.area import area_impact
from outcomes.analysis.fanout import ProcessMap, shutdown_pools
from outcomes.analysis.household import household_did
from outcomes.analysis.simulate import simulate_area_households, simulate_area_panel

WILD_RI = "wild + RI"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--donors", type=int, default=1000)
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--placebos", type=int, default=1000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--methods", nargs="*", default=["sc", "sdid"], help="area methods; none to skip")
    parser.add_argument("--resampling", action="store_true", help="also time the wild bootstrap and RI")
    parser.add_argument("--areas", type=int, default=400)
    parser.add_argument("--households-per-area", type=int, default=4)
    parser.add_argument("--draws", type=int, default=99_999)
    parser.add_argument("--permutations", type=int, default=99_999)
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} cores")
    sim = simulate_area_panel(n_donors=args.donors, n_treated=1, n_periods=args.months, seed=0)
    households = simulate_area_households(
        areas=args.areas,
        treated=tuple(range(0, args.areas, 2)),
        per_area=args.households_per_area,
        months=12,
        effect=0.0,
        seed=0,
    )
    resample = dict(outcome="dependent", bootstrap_draws=args.draws, permutations=args.permutations, seed=0)
    rows: list[tuple[str, int, float, float]] = []
    if args.resampling:
        with threadpool_limits(limits=1, user_api="blas"):
            wall, cpu = time.perf_counter(), time.process_time()
            household_did(households, **{**resample, "bootstrap_draws": 1, "permutations": 1})
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"household DiD with 1 draw and 1 permutation (not split): {wall:.2f} s wall, {cpu:.2f} s CPU")
    for workers in args.workers:
        mapper = ProcessMap(workers)
        if workers > 1:
            start = time.perf_counter()
            mapper(abs, [-1, -2])  # start the pool
            print(f"{workers} workers: pool start {time.perf_counter() - start:.2f} s")
        for method in args.methods:
            with threadpool_limits(limits=1, user_api="blas"):
                wall, cpu = time.perf_counter(), time.process_time()
                result = area_impact(
                    sim.panel,
                    sim.treated,
                    method,
                    placebos=args.placebos,
                    in_time=False,
                    leave_one_out=False,
                    map_chunks=mapper,
                )
                rows.append((method, workers, time.perf_counter() - wall, time.process_time() - cpu))
            print(
                f"  {method} with {workers} worker(s): estimate {result.estimate:.6f}, se {result.se:.6f} "
                f"({result.placebo['n']} placebo fits)"
            )
        if args.resampling:
            with threadpool_limits(limits=1, user_api="blas"):
                wall, cpu = time.perf_counter(), time.process_time()
                area = household_did(households, map_chunks=mapper, **resample).area
                rows.append((WILD_RI, workers, time.perf_counter() - wall, time.process_time() - cpu))
            assert area is not None
            print(
                f"  {WILD_RI} with {workers} worker(s): wild p {area.wild_p_value!r}, interval "
                f"[{area.wild_ci_low!r}, {area.wild_ci_high!r}], RI p {area.randomisation_p_value!r}"
            )
        shutdown_pools()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.methods:
        print(
            f"\n{args.donors} donors x {args.months} months, {args.placebos} placebo fits (at most one per donor)"
        )
    if args.resampling:
        print(
            f"{args.areas} areas ({len(households)} household-months), {args.draws} wild bootstrap draws, "
            f"{args.permutations} permutations"
        )
    print(f"{'what':<10}{'workers':>8}{'wall (s)':>10}{'this CPU (s)':>14}{'speed-up':>10}")
    for what, workers, wall, cpu in rows:
        one = next(w for m, k, w, _ in rows if m == what and k == min(args.workers))
        print(f"{what:<10}{workers:>8}{wall:>10.2f}{cpu:>14.2f}{one / wall:>9.2f}x")
    if args.methods:
        total = {k: sum(w for m, kk, w, _ in rows if kk == k and m != WILD_RI) for k in args.workers}
        print("area methods together: " + ", ".join(f"{k} worker(s) {v:.2f} s" for k, v in total.items()))


if __name__ == "__main__":
    main()

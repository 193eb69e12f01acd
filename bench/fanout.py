"""Time SC and SDID with 1,000 placebo fits on 1,000 donor areas x 120 months over 1, 2 and 4 local worker
processes, and print the speed-up against one worker measured in the same run.

The result is identical whatever the number of workers (tests/analysis/test_fanout.py); only the time
changes. One worker runs the chunks in this process with one BLAS thread; more start a pool first (its
start-up is timed apart and is paid once per process, not per analysis).

    PYTHONPATH=. .venv/bin/python bench/fanout.py [--donors 1000] [--months 120] [--placebos 1000] [--workers 1 2 4]
"""

from __future__ import annotations

import argparse
import os
import time

from threadpoolctl import threadpool_limits

from outcomes.analysis.area import area_impact
from outcomes.analysis.fanout import ProcessMap, shutdown_pools
from outcomes.analysis.simulate import simulate_area_panel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--donors", type=int, default=1000)
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--placebos", type=int, default=1000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--methods", nargs="+", default=["sc", "sdid"])
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} cores")
    sim = simulate_area_panel(n_donors=args.donors, n_treated=1, n_periods=args.months, seed=0)
    rows: list[tuple[str, int, float, float]] = []
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
            print(f"  {method} with {workers} worker(s): estimate {result.estimate:.6f}, se {result.se:.6f}")
        shutdown_pools()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"\n{args.donors} donors x {args.months} months, {args.placebos} placebo fits")
    print(f"{'method':<8}{'workers':>8}{'wall (s)':>10}{'this CPU (s)':>14}{'speed-up':>10}")
    for method, workers, wall, cpu in rows:
        one = next(w for m, k, w, _ in rows if m == method and k == min(args.workers))
        print(f"{method:<8}{workers:>8}{wall:>10.2f}{cpu:>14.2f}{one / wall:>9.2f}x")
    total = {k: sum(w for _, kk, w, _ in rows if kk == k) for k in args.workers}
    print("sc + sdid together: " + ", ".join(f"{k} worker(s) {v:.2f} s" for k, v in total.items()))


if __name__ == "__main__":
    main()

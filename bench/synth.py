"""Time synthetic control and synthetic DiD on 1,000 donor areas x 120 months with 1,000 placebo fits.

Peers, timed in the same run when installed: pysyncon (SLSQP weights, as its Synth uses for a given V) and
synthdid-py (a port of the R synthdid package's Frank-Wolfe solver). Peers are slow at this size, so each is
timed on a few fits and its per-fit time multiplied out; the printed ratio is peer time / our time per fit.

    PYTHONPATH=. .venv/bin/python bench/synth.py [--donors 1000] [--months 120] [--placebos 1000] [--peer-fits 2] [--pysyncon-donors 400]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import TypeVar

import numpy as np

from outcomes.analysis.area import area_impact
from outcomes.analysis.panel import prepare_panel
from outcomes.analysis.simulate import simulate_area_panel
from outcomes.analysis.synth import fit_batch, simplex_nnls

T = TypeVar("T")


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--donors", type=int, default=1000)
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--placebos", type=int, default=1000)
    parser.add_argument("--peer-fits", type=int, default=2)
    parser.add_argument(
        "--pysyncon-donors",
        type=int,
        default=400,
        help="SLSQP grows ~J^2.4: a full 1,000-donor fit takes minutes",
    )
    args = parser.parse_args()

    sim = simulate_area_panel(n_donors=args.donors, n_treated=1, n_periods=args.months, seed=0)
    ap = prepare_panel(sim.panel, sim.treated)
    donors, target, t0 = ap.y[1:], ap.y[:1], ap.starts[0]
    rows: list[tuple[str, str, float, float]] = []  # (what, who, seconds, per fit)

    for method in ("sc", "sdid"):
        secs, _ = timed(lambda m=method: fit_batch(donors, target, t0, m))
        rows.append((f"{method} one fit", "ours", secs, secs))
        secs, res = timed(
            lambda m=method: area_impact(
                sim.panel, sim.treated, m, placebos=args.placebos, in_time=False, leave_one_out=False
            )
        )
        n = res.placebo["n"]
        rows.append((f"{method} + {n} placebo fits", "ours", secs, secs / (n + 1)))
        print(f"{method}: estimate {res.estimate:.3f} (true {sim.effect}), se {res.se:.3f}")

    k = args.peer_fits
    try:
        from pysyncon.base import VanillaOptimMixin

        # Same data, first J donors; our exact solver on the same subset for a like-for-like ratio.
        sub = donors[: args.pysyncon_donors, :t0]
        x0, x1 = sub.T, target[0, :t0]
        v = np.eye(t0)
        secs, _ = timed(lambda: [VanillaOptimMixin.w_optimize(v, x0, x1) for _ in range(k)])
        mine, _ = timed(lambda: [simplex_nnls(x0, x1) for _ in range(20)])
        rows.append((f"sc one fit, {sub.shape[0]} donors", "pysyncon (SLSQP)", secs / k, secs / k))
        rows.append((f"sc one fit, {sub.shape[0]} donors", "ours", mine / 20, mine / 20))
    except ImportError:
        print("pysyncon not installed: skipped")
    try:
        import synthdid

        y = np.vstack([donors, target])
        for method, fn in (("sc", synthdid.sc_estimate), ("sdid", synthdid.synthdid_estimate)):
            secs, _ = timed(lambda f=fn: [f(y, donors.shape[0], t0) for _ in range(k)])
            rows.append((f"{method} one fit", "synthdid-py (Frank-Wolfe)", secs / k, secs / k))
    except ImportError:
        print("synthdid-py not installed: skipped")

    print(f"\n{args.donors} donors x {args.months} months, {args.placebos} placebo fits requested")
    print(f"{'task':<28}{'implementation':<28}{'seconds':>10}{'per fit (s)':>14}")
    for what, who, secs, per in rows:
        print(f"{what:<28}{who:<28}{secs:>10.3f}{per:>14.4f}")
    ours = {r[0]: r[3] for r in rows if r[1] == "ours"}
    print("\nratio of time per fit, peer / ours on the same data:")
    for what, who, _, per in rows:
        if who != "ours":
            single = ours[what]
            batch = next(
                (v for k, v in ours.items() if k.startswith(what.split()[0]) and "placebo" in k), None
            )
            text = f"  {what:<28}{who:<28}{per / single:>9.1f}x one fit"
            if batch is not None and "donors" not in what:
                text += f", {per / batch:>9.1f}x per placebo fit"
            print(text)
    for method in ("sc", "sdid"):
        peer = [r[3] for r in rows if r[1].startswith("synthdid") and r[0].startswith(method)]
        if peer:
            print(
                f"  {method}: 1,000 placebo fits with synthdid-py would take about {1000 * peer[0] / 60:.1f} min"
            )


if __name__ == "__main__":
    main()

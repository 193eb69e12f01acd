"""Size and power of the placebo-calibrated pre-trend test carried by every DiD and event-study result.

Size: designs where parallel trends hold (two treated areas among 30 donors, 16 years, start in year 11, a
factor-free panel with noise 0.3, effect -1 after the start); the test should reject about 5% of them at
5%. Power: the same designs built to fail, the treated areas drifting by `--trend` a year before and after
the start (the design tests/analysis/test_pretrend.py flags).

    PYTHONPATH=. .venv/bin/python bench/pretrend_size.py [--reps 200] [--placebos 99]
"""

from __future__ import annotations

import argparse
import math
import os
import time

from outcomes.analysis.area import area_impact
from outcomes.analysis.simulate import simulate_area_panel


def design(*, trend: float, seed: int, noise: float = 0.3):  # type: ignore[no-untyped-def]
    sim = simulate_area_panel(
        n_donors=30,
        n_periods=16,
        start=10,
        monthly=False,
        factor_scale=0.0,
        noise=noise,
        effect=-1.0,
        seed=seed,
    )
    panel = sim.panel.copy()
    is_t = panel["unit"].str.startswith("T")
    panel.loc[is_t, "value"] += trend * (panel.loc[is_t, "period"].astype(int) - 2000)
    return panel, sim.treated


def rejection_rate(
    *, method: str, trend: float, reps: int, placebos: int, first_seed: int
) -> tuple[float, float]:
    """Share of designs whose pre-trend test rejects at 5%, and the mean reported power."""
    rejected, power = 0, 0.0
    for seed in range(first_seed, first_seed + reps):
        panel, treated = design(trend=trend, seed=seed)
        pretrend = area_impact(panel, treated, method, placebos=placebos, seed=seed).pretrend or {}
        rejected += int((pretrend.get("p_value") or 1.0) < 0.05)
        power += float(pretrend.get("power") or 0.0)
    return rejected / reps, power / reps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--placebos", type=int, default=99)
    parser.add_argument(
        "--trend", type=float, default=0.1, help="violation a year in the built-to-fail design"
    )
    parser.add_argument("--methods", default="did,event-study")
    args = parser.parse_args()
    print(
        f"{args.reps} replications per cell, 2 treated, 30 donors, 16 years, {args.placebos} placebo fits; "
        f"load average {os.getloadavg()[0]:.2f}\n"
    )
    print(f"{'method':<13}{'design':<28}{'rejects at 5%':>14}{'MC s.e.':>9}{'mean power':>12}{'s/rep':>8}")
    for method in args.methods.split(","):
        for label, trend in (
            ("parallel trends (size)", 0.0),
            (f"drift {args.trend:g} a year (power)", args.trend),
        ):
            start = time.perf_counter()
            rate, power = rejection_rate(
                method=method, trend=trend, reps=args.reps, placebos=args.placebos, first_seed=5000
            )
            se = math.sqrt(rate * (1 - rate) / args.reps)
            took = (time.perf_counter() - start) / args.reps
            print(f"{method:<13}{label:<28}{rate:>14.3f}{se:>9.3f}{power:>12.2f}{took:>8.2f}")
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

"""manage.py analyse KIND [options]: run an analysis as an AnalysisRun and print its result."""

import json as jsonlib
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from jobs.models import Job
from jobs.services import job_run
from outcomes.analyses import AREA_METHODS, ParameterError
from outcomes.analysis import AnalysisError
from outcomes.formatting import money
from outcomes.models import AnalysisRun
from outcomes.services import analysis_request


class Command(BaseCommand):
    help = (
        "Run an analysis (gap, area-impact, its, household-impact, matched, savings, placements, housing) and "
        "print a readable summary, or with --json only the result JSON."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind", choices=AnalysisRun.Kind.values)
        parser.add_argument(
            "--json", action="store_true", help="Print only the result JSON on standard output."
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="Hand the run to a Celery worker and follow its progress."
        )
        parser.add_argument("--measure", help="Area measure, e.g. out_of_work_rate (area-impact, its).")
        parser.add_argument("--treated", help="CODE[:START][,...]; default: the target wards (area-impact).")
        parser.add_argument("--start", help="Start period YYYY-MM (default 2010-09).")
        parser.add_argument("--method", choices=AREA_METHODS, help="area-impact method.")
        parser.add_argument("--placebos", type=int, help="Number of in-space placebo fits (area-impact).")
        parser.add_argument("--donors", help="Comma-separated donor area codes (area-impact).")
        parser.add_argument(
            "--outcome",
            choices=["dependent", "benefit", "out_of_work_benefit"],
            help="household-impact outcome.",
        )
        parser.add_argument("--design", choices=["did", "event-study"], help="household-impact design.")
        parser.add_argument("--period", help="Headline period for the gap (default 2009).")
        parser.add_argument(
            "--effect",
            type=float,
            help="savings: effect in rate points (default: the locked plan's headline run).",
        )
        parser.add_argument("--effect-se", type=float, help="savings: standard error of the effect.")
        parser.add_argument(
            "--run",
            type=int,
            help="savings: the area-impact run to appraise (default: the locked plan's latest headline run).",
        )
        parser.add_argument(
            "--override-reason",
            help="savings: appraise a run off the plan (another method, failed diagnostics) and record this "
            "reason as a deviation from the plan.",
        )
        parser.add_argument(
            "--plan",
            help="area-impact: hold the run to a locked analysis plan (its id, or 'current'): its wards, "
            "comparator pool, windows, spillover ring and secondary outcomes.",
        )
        parser.add_argument("--seed", type=int, help="Random seed for resampling.")
        parser.add_argument(
            "--param",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="Any other parameter (JSON value or text); may repeat.",
        )

    def handle(
        self, *args: Any, kind: str, json: bool, param: list[str], enqueue: bool, **options: Any
    ) -> None:
        names = (
            "measure",
            "treated",
            "start",
            "method",
            "placebos",
            "donors",
            "outcome",
            "design",
            "period",
            "effect",
            "effect_se",
            "run",
            "override_reason",
            "plan",
            "seed",
        )
        parameters: dict[str, Any] = {n: options[n] for n in names if options.get(n) is not None}
        for item in param:
            name, sep, value = item.partition("=")
            if not sep:
                raise CommandError(f"--param {item!r}: expected NAME=VALUE")
            parameters[name] = _value(value)
        run = analysis_request(kind=kind, parameters=parameters, enqueue=enqueue)
        bar = tqdm(total=100, desc=f"Analysis {kind}", disable=json, file=self.stderr, unit="%")

        def show(job: Job) -> None:
            bar.n = job.percent
            bar.set_postfix_str(job.message, refresh=True)

        try:
            if enqueue:
                while not run.job.is_finished:
                    time.sleep(0.5)
                    run.job.refresh_from_db()
                    show(run.job)
            else:
                job_run(job_id=run.job_id, listener=show)
        except (ParameterError, AnalysisError):
            pass  # recorded on the run, reported below
        finally:
            bar.close()
        run.refresh_from_db()
        run.job.refresh_from_db()
        if run.failed:
            raise CommandError(f"The {kind} analysis failed: {run.error}")
        if json:
            self.stdout.write(jsonlib.dumps(run.result, indent=2, sort_keys=True))
            return
        self.stdout.write(summary(run))


def _value(text: str) -> Any:
    try:
        return jsonlib.loads(text)
    except ValueError:
        return text


LINE_NAMES = {"exchequer": "Exchequer (AME)", "social": "Social value", "cashable": "Cashable local saving"}


def ratio(value: object) -> str:
    return "n/a" if value is None else f"{float(value):.2f}"  # type: ignore[arg-type]


MONEY_KEYS = {"npv", "total_housing_benefit", "into_category_1_homes", "into_unlicensed_hmos"}


def summary(run: AnalysisRun) -> str:
    r = run.result
    lines = [f"{run.get_kind_display()} (analysis run #{run.pk})"]

    def number(v: Any) -> str:
        return "n/a" if v is None else f"{v:,.4g}" if isinstance(v, float) else str(v)

    for key in (
        "method",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "p_value",
        "n_treated",
        "n_donors",
        "pre_rmspe",
        "level_change",
        "slope_change",
        "att",
        "npv",
        "total_housing_benefit",
        "into_category_1_homes",
        "into_unlicensed_hmos",
    ):
        if key in r and not isinstance(r[key], dict | list):
            shown = money(r[key]) if key in MONEY_KEYS else number(r[key])
            lines.append(f"  {key.replace('_', ' ')}: {shown}")
    for row in r.get("rows", []):  # gap to the reference average
        lines.append(
            f"  {row['area']} {row['measure']} {r.get('period', '')}: {money(row['rate_per_head'])} a head against "
            f"{money(row['reference_rate_per_head'])}; at the reference rate {money(row['value_at_reference_rate'])}; "
            f"gap {money(row['gap_total'])}"
        )
    basis = r.get("effect_basis") or {}
    if basis.get("analysis_run"):
        lines.append(
            f"  effect from area-impact run #{basis['analysis_run']}: {basis['measure']} by {basis['method']}, "
            f"{basis['unit']}"
        )
    plan = r.get("plan") or {}
    if plan:
        lines.append(
            f"  plan #{plan['id']}: {plan['title']}, locked {str(plan['locked_at'])[:16].replace('T', ' ')} UTC, "
            f"sha256 {plan['sha256']}"
        )
        if not plan.get("intact"):
            lines.append("  warning: the plan no longer matches the hash it was locked with")
        for deviation in plan.get("deviations", []):
            lines.append(f"  deviation: {deviation['departure']} (reason: {deviation['reason']})")
    applied = r.get("plan_applied") or {}
    if applied:
        window = applied.get("window", {})
        lines.append(
            f"  held to plan #{applied['plan']}: {applied['n_donors']} comparison wards, "
            f"{window.get('pre_start')} to {window.get('post_end')}"
        )
    ring = r.get("spillover") or {}
    if ring.get("estimate") is not None:
        lines.append(
            f"  spillover ring {', '.join(ring['wards'])}: {number(ring['estimate'])} "
            f"(95% {number(ring.get('ci_low'))} to {number(ring.get('ci_high'))}), p {number(ring.get('p_value'))}"
        )
    secondary = r.get("secondary") or {}
    for row in secondary.get("rows", []):
        lines.append(
            f"  secondary {row['measure']}: "
            + (
                f"not estimated ({row['error']})"
                if row.get("error")
                else f"{number(row.get('estimate'))}, p {number(row.get('p_value'))}, "
                f"{secondary['rule']}-adjusted p {number(row.get('p_adjusted'))}"
            )
        )
    for line in r.get("lines", []):  # savings
        lines.append(
            f"  {LINE_NAMES.get(line['line'], line['line'])}: {money(line['annual_net'])} a year; NPV {money(line['npv'])} "
            f"(95% {money(line.get('npv_ci_low'))} to {money(line.get('npv_ci_high'))})"
        )
    appraisal = r.get("appraisal") or {}
    if appraisal:
        interval = appraisal.get("npsv_interval")
        lines.append(
            f"  NPSV {money(appraisal['npsv'])}"
            + (f" (95% {money(interval[0])} to {money(interval[1])})" if interval else "")
            + f"; BCR {ratio(appraisal['bcr'])}; costs (with optimism bias) {money(appraisal['pv_costs'])}"
        )
        lines.append(
            f"  switching value: NPSV is zero at an effect of {number(appraisal['switching_effect'])} points; "
            f"payback year {number(appraisal['payback_year'])}"
        )
        for row in appraisal.get("by_payer", []):
            lines.append(
                f"  {row['payer']} ({row['level']}): social value {money(row['social_value'])}, "
                f"transfers {money(row['transfers'])}"
            )
        base = (r.get("assumptions") or {}).get("price_base_year")
        if base:
            lines.append(f"  prices: {base} prices, GDP deflator ({r['assumptions'].get('deflator_source')})")
        lines.append(f"  appraisal inference: {appraisal['inference']}")
        lines += [f"  warning: {w}" for w in appraisal.get("warnings", [])]
    if "inference" in r:
        lines.append(f"  inference: {r['inference']}")
    if r.get("note") or r.get("label"):
        lines.append(f"  note: {r.get('note') or r['label']}")
    for warning in r.get("warnings", []):
        lines.append(f"  warning: {warning}")
    return "\n".join(lines)

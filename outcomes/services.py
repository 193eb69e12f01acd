"""Writes for analysis runs (request one, or the whole evidence pack, and the job handlers that run them)
and for the analysis plan."""

from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone

from jobs.models import Job
from jobs.services import JobProgress, job_create, job_enqueue, job_run
from taskforce.org import scoping
from taskforce.org.models import StaffProfile

from .models import AnalysisPlan, AnalysisRun, PlanDeviation, ProgrammeCost


@transaction.atomic
def analysis_request(
    *,
    kind: str,
    parameters: dict[str, Any] | None = None,
    requested_by: User | None = None,
    enqueue: bool = True,
) -> AnalysisRun:
    """Record a requested analysis and hand it to Celery (run at once when eager) after commit.

    With `enqueue=False` the caller runs it itself through `job_run(job_id=run.job_id)`, as the CLI does.
    """
    if kind not in AnalysisRun.Kind.values:
        raise ValueError(
            f"Unknown analysis kind {kind!r}: expected one of {', '.join(AnalysisRun.Kind.values)}."
        )
    job = job_create(kind="analysis", parameters={"kind": kind}, requested_by=requested_by)
    run = AnalysisRun(kind=kind, parameters=parameters or {}, job=job, requested_by=requested_by)
    run.full_clean()
    run.save()
    if enqueue:
        job_enqueue(job=job)
    return run


def run_analysis_job(job: Job, progress: JobProgress) -> dict[str, Any]:
    """Job handler: run the analysis behind `job` and store its result on the AnalysisRun. A failure is the
    job's to record (state and errors), so the run is left as it was."""
    from .analyses import run_analysis

    run = AnalysisRun.objects.get(job=job)
    progress.start(2, f"Running {run.get_kind_display().lower()}")
    result = run_analysis(run.kind, run.parameters)
    progress.advance(1, "Storing the result")
    # Every stored result names its own run, so a figure quoted from it can be traced back.
    result = {**result, "run": run.pk}
    AnalysisRun.objects.filter(pk=run.pk).update(result=result)
    return {"analysis_run": run.pk}


def may_follow_analysis(job: Job, user: User | AnonymousUser) -> bool:
    """Analysis runs are the policy lead's: any policy lead may follow any run's progress."""
    return scoping.role_of(user) == StaffProfile.Role.POLICY_LEAD


class PlanLocked(ValueError):
    """A locked analysis plan was asked to change."""


@transaction.atomic
def analysis_plan_record(
    *,
    title: str,
    treated: dict[str, str],
    pre_start: str,
    post_start: str,
    post_end: str,
    headline_measure: str = "out_of_work_rate",
    headline_unit: str = "percentage points",
    method: str = AnalysisPlan.Method.SDID,
    comparator_pool: list[str] | None = None,
    neighbours: list[str] | None = None,
    neighbours_policy: str = AnalysisPlan.Neighbours.EXCLUDE,
    secondary_outcomes: list[str] | None = None,
    multiple_testing: str = AnalysisPlan.MultipleTesting.HOLM,
    alpha: float = 0.05,
    power: float = 0.8,
    mde: float | None = None,
    mde_basis: dict[str, Any] | None = None,
    plan: AnalysisPlan | None = None,
    recorded_by: User | None = None,
) -> AnalysisPlan:
    """Record a draft plan, or revise `plan` while it is still a draft; a locked plan is refused."""
    if plan is not None:
        plan = AnalysisPlan.objects.select_for_update().get(pk=plan.pk)
        if plan.is_locked:
            raise PlanLocked(
                f"The analysis plan {plan.title!r} was locked on {plan.locked_at:%Y-%m-%d %H:%M} and cannot "
                "change; record a deviation with its reason instead."
            )
    else:
        plan = AnalysisPlan(created_by=recorded_by)
    values = {
        "title": title,
        "treated": dict(treated),
        "pre_start": pre_start,
        "post_start": post_start,
        "post_end": post_end,
        "headline_measure": headline_measure,
        "headline_unit": headline_unit,
        "method": method,
        "comparator_pool": list(comparator_pool or []),
        "neighbours": list(neighbours or []),
        "neighbours_policy": neighbours_policy,
        "secondary_outcomes": list(secondary_outcomes or []),
        "multiple_testing": multiple_testing,
        "alpha": alpha,
        "power": power,
        "mde": mde,
        "mde_basis": dict(mde_basis or {}),
    }
    for name, value in values.items():
        setattr(plan, name, value)
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def analysis_plan_lock(*, plan: AnalysisPlan) -> AnalysisPlan:
    """Freeze the plan: stamp the time and the SHA-256 of its canonical JSON. Locking twice is refused."""
    plan = AnalysisPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_locked:
        raise PlanLocked(f"The analysis plan {plan.title!r} is already locked ({plan.sha256[:12]}).")
    plan.full_clean()
    plan.locked_at = timezone.now()
    plan.sha256 = plan.digest()
    plan.full_clean()
    plan.save(update_fields=["locked_at", "sha256"])
    return plan


@transaction.atomic
def plan_deviation_record(
    *,
    plan: AnalysisPlan,
    departure: str,
    reason: str,
    run: AnalysisRun | None = None,
    recorded_by: User | None = None,
) -> PlanDeviation:
    """Record a departure from a locked plan with its reason."""
    if not plan.is_locked:
        raise ValueError("A draft plan can still be revised: deviations are recorded against locked plans.")
    deviation = PlanDeviation(
        plan=plan, run=run, departure=departure, reason=reason.strip(), recorded_by=recorded_by
    )
    deviation.full_clean()
    deviation.save()
    return deviation


@transaction.atomic
def programme_cost_record(
    *,
    name: str,
    kind: str,
    year: int,
    amount: Decimal,
    payer: str,
    level: str,
    price_year: int,
    source: str,
) -> ProgrammeCost:
    """Record one year's cost of running the programme, before optimism bias."""
    cost = ProgrammeCost(
        name=name,
        kind=kind,
        year=year,
        amount=amount,
        payer=payer,
        level=level,
        price_year=price_year,
        source=source,
    )
    cost.full_clean()
    cost.save()
    return cost


@transaction.atomic
def evidence_pack_request(*, requested_by: User | None = None) -> Job:
    """Ask for every analysis the evidence pack draws on, as one job (handed to Celery after commit)."""
    job = job_create(kind="evidence-pack", requested_by=requested_by)
    job_enqueue(job=job)
    return job


def run_evidence_pack_job(job: Job, progress: JobProgress) -> dict[str, Any]:
    """Job handler: request and run the pack's analyses in turn, each as its own AnalysisRun. One that fails
    is recorded on its run and the rest still run; the pack shows what it has."""
    from .analyses import AREA_METHOD_NAMES
    from .evidence import pack_analyses

    analyses = pack_analyses()
    progress.start(len(analyses), "Starting")
    runs: list[int] = []
    failed: list[int] = []
    for n, (kind, parameters) in enumerate(analyses, start=1):
        run = analysis_request(kind=kind, parameters=parameters, requested_by=job.requested_by, enqueue=False)
        label = run.get_kind_display()
        if "method" in parameters:
            label = f"{label}: {AREA_METHOD_NAMES[parameters['method']].lower()}"
        progress.advance(0, f"Running {label} ({n} of {len(analyses)})")
        try:
            job_run(job_id=run.job_id)
        except Exception:  # recorded on the run's own job; the pack goes on
            failed.append(run.pk)
        runs.append(run.pk)
        progress.advance(1)
    return {"analysis_runs": runs, "failed": failed}

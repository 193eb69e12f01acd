"""Writes for analysis runs: request one, or the whole evidence pack, and the job handlers that run them."""

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction

from jobs.models import Job
from jobs.services import JobProgress, job_create, job_enqueue, job_run
from taskforce.org import scoping
from taskforce.org.models import StaffProfile

from .models import AnalysisRun


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
    AnalysisRun.objects.filter(pk=run.pk).update(result=result)
    return {"analysis_run": run.pk}


def may_follow_analysis(job: Job, user: User | AnonymousUser) -> bool:
    """Analysis runs are the policy lead's: any policy lead may follow any run's progress."""
    return scoping.role_of(user) == StaffProfile.Role.POLICY_LEAD


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
    from .evidence import ANALYSES

    progress.start(len(ANALYSES), "Starting")
    runs: list[int] = []
    failed: list[int] = []
    for n, (kind, parameters) in enumerate(ANALYSES, start=1):
        run = analysis_request(kind=kind, parameters=parameters, requested_by=job.requested_by, enqueue=False)
        label = run.get_kind_display()
        if "method" in parameters:
            label = f"{label}: {AREA_METHOD_NAMES[parameters['method']].lower()}"
        progress.advance(0, f"Running {label} ({n} of {len(ANALYSES)})")
        try:
            job_run(job_id=run.job_id)
        except Exception:  # recorded on the run's own job; the pack goes on
            failed.append(run.pk)
        runs.append(run.pk)
        progress.advance(1)
    return {"analysis_runs": runs, "failed": failed}

"""The one Celery task: it takes a job id and runs the job. Thin, as every task here is."""

from celery import shared_task

from .services import job_abandon_silent, job_run


@shared_task(name="jobs.run_job", ignore_result=True)
def run_job(job_id: int) -> None:
    """Run a job; a repeated delivery of a finished job does nothing."""
    job_run(job_id=job_id)


@shared_task(name="jobs.abandon_silent_jobs", ignore_result=True)
def abandon_silent_jobs() -> None:
    """Fail the running jobs whose process died (celery beat runs this every minute)."""
    job_abandon_silent()

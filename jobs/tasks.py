"""The one Celery task: it takes a job id and runs the job. Thin, as every task here is."""

from celery import shared_task

from .services import job_run


@shared_task(name="jobs.run_job", ignore_result=True)
def run_job(job_id: int) -> None:
    """Run a job; a repeated delivery of a finished job does nothing."""
    job_run(job_id=job_id)

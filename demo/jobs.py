"""The demo load as a job, so it reports progress the same way in-process and in a worker."""

from typing import Any

from jobs.models import Job
from jobs.services import JobProgress

from .load import load_demo


def run_load_demo(job: Job, progress: JobProgress) -> dict[str, Any]:
    seed = int(job.parameters.get("seed", 2010))
    households = int(job.parameters.get("households", 6000))
    result = load_demo(seed=seed, households=households, job_id=job.pk, progress=progress)
    return {
        "seed": seed,
        "created": result.created,
        "rows": result.rows,
        "households": result.dataset.households,
        "truths": result.dataset.truths,
    }

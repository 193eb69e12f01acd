"""The one status endpoint of long work, polled by `jobs/progress.js` on every page that follows a job."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .models import Job
from .registry import may_follow
from .services import job_abandon_silent


@never_cache
@login_required
@require_GET
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """State and progress of one job, for whoever asked for it or may open what it works on."""
    job = get_object_or_404(Job, pk=pk)
    if not may_follow(job, request.user):
        raise Http404("No such job.")
    if job.state == Job.State.RUNNING and job_abandon_silent(job_id=job.pk):
        # Its process died: the page following it learns so within a lease, not when the broker gives up.
        job.refresh_from_db()
    return JsonResponse(
        {
            "id": job.pk,
            "kind": job.kind,
            "state": job.state,
            "state_label": job.get_state_display(),
            "percent": job.percent,
            "message": job.message,
            "finished": job.is_finished,
        }
    )

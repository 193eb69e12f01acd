"""Recompute the dashboards after a data change, so the first viewer after an import or a demo load does
not pay for it: a job (`dashboards-warm`) that fills the shared cache with the figures for the current
data version and every audience's default view (all their wards, every year)."""

from typing import Any

from django.conf import settings

from jobs.models import Job
from jobs.services import JobProgress, job_create, job_enqueue
from taskforce.org.models import Area, StaffProfile

from ..datasets.ledger import refresh_ledger
from . import _panels
from .access import MANAGER, POLICY, Access, filters_from
from .facts import facts, versions


def default_views() -> list[Access]:
    """The policy leads' view (the target wards) and each distinct set of wards a ward manager holds."""
    views = [Access(POLICY, tuple(Area.objects.filter(is_target=True).order_by("name")))]
    seen: set[tuple[int, ...]] = set()
    managers = StaffProfile.objects.filter(role=StaffProfile.Role.WARD_MANAGER).prefetch_related("wards")
    for profile in managers:
        wards = tuple(
            sorted((w for w in profile.wards.all() if w.type == Area.Type.WARD), key=lambda w: w.name)
        )
        key = tuple(w.pk for w in wards)
        if wards and key not in seen:
            seen.add(key)
            views.append(Access(MANAGER, wards))
    return [v for v in views if v.wards]


def dashboards_warm() -> dict[str, Any]:
    """Compute (or find) the figures for the current data version and the panels of every default view,
    having first rebuilt the housing benefit ledger if the benefit records changed since it was built."""
    refresh_ledger()
    found = versions()
    figures = facts(found)
    views = default_views()
    for access in views:
        filters = filters_from({}, access, latest_year=figures["latest_year"])
        _panels(found, figures, filters, access)
    return {"version": found.data, "views": len(views)}


def run_dashboards_warm_job(job: Job, progress: JobProgress) -> dict[str, Any]:
    """Job handler: warm the dashboards' cache for the data as it is now."""
    return dashboards_warm()


def warm_after(job: Job) -> None:
    """After an import or a demo load has finished (its finishing time is part of the data version), queue
    the recomputation."""
    if settings.DASHBOARDS_WARM_AFTER_CHANGES:
        job_enqueue(job=job_create(kind="dashboards-warm"))

"""Who may import which kinds, and whose batches they see."""

from django.db import models
from django.db.models import Q

from taskforce.org import scoping
from taskforce.org.models import StaffProfile

Role = StaffProfile.Role
ALL_KINDS = frozenset(
    {
        "households",
        "benefit-records",
        "interventions",
        "placements",
        "properties",
        "licences",
        "inspections",
        "area-statistics",
        "s208-notices",
        "boundaries",
        "property-locations",
    }
)


def kinds_for(user: scoping.User | None) -> frozenset[str]:
    """The kinds of file `user` may import (none without a role)."""
    return frozenset(kind for kind in ALL_KINDS if scoping.may_write(user, f"import:{kind}"))


class ImportBatchQuerySet(models.QuerySet):
    def visible_to(self, user: scoping.User | None) -> "ImportBatchQuerySet":
        """Batches of kinds the user may import: their own, and for a ward manager everyone's.

        A report quotes the bad values it found, which may be personal data, so a caseworker does not see
        another caseworker's batches.
        """
        kinds = kinds_for(user)
        if not kinds:
            return self.none()
        mine = Q(uploaded_by=user.pk)  # type: ignore[union-attr]
        if scoping.role_of(user) == Role.WARD_MANAGER:
            mine = Q()
        return self.filter(mine, kind__in=kinds)

    def in_state(self, state: str) -> "ImportBatchQuerySet":
        """Batches showing `state` (ImportBatch.state): by their status, or by the state of the job writing
        a file not yet written."""
        batch = self.model
        job_states = [job for job, shown in batch.STATE_OF_JOB.items() if shown == state]
        if job_states:
            return self.filter(status__in=batch.NOT_WRITTEN, job__state__in=job_states)
        if state in batch.NOT_WRITTEN:
            shown_by_job = Q(job__state__in=list(batch.STATE_OF_JOB))
            return self.filter(status=state).exclude(shown_by_job)
        return self.filter(status=state)

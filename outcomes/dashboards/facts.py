"""The figures every panel reads, computed for all wards and years at once and cached on a fingerprint of
the records (`data_version`).

Computing them takes about a third of a second of CPU on the full demo, most of it the database's work:
the housing benefit sums (one index range per span) and the rows of the other readers; the panels built
from them are cached on the same fingerprint (`outcomes.dashboards`).
"""

import hashlib
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Model
from django.utils import timezone

from households.models import (
    AgreementSignatory,
    HazardFinding,
    Household,
    Inspection,
    Licence,
    Membership,
    Placement,
    Property,
    Residence,
)
from interventions.models import Intervention
from jobs.models import Job
from taskforce.org.models import Area, StaffProfile

from ..analysis.placements import notification_status
from ..datasets.areas import area_statistics, reference_code, target_codes
from ..datasets.housing_benefit import housing_benefit_by_ward
from ..datasets.place import COMPARATOR_TURNOVER, residences_frame
from ..datasets.records import (
    dashboard_households,
    dashboard_housing,
    dashboard_interventions,
    dashboard_moves,
    placements_frame,
)
from ..models import AreaStatistic, BenefitRecord

CACHE_SECONDS = 6 * 60 * 60
# The records the dashboards read; see data_version. Memberships decide whose housing benefit a home
# takes, and an inspection's date when its hazards count.
VERSIONED: tuple[type[Model], ...] = (
    BenefitRecord,
    AreaStatistic,
    Household,
    Membership,
    Placement,
    Residence,
    Property,
    Licence,
    Inspection,
    HazardFinding,
    Intervention,
    AgreementSignatory,
)


def _fingerprint(models: tuple[type[Model], ...], *, with_jobs: bool = False, extra: str = "") -> str:
    parts = []
    for model in models:
        # Table names come from model metadata, quoted: nothing here is user input.
        table = connection.ops.quote_name(model._meta.db_table)
        parts.append(f"(SELECT MAX(id) FROM {table})")  # noqa: S608
        history = getattr(model, "history", None)
        if history is not None:
            history_table = connection.ops.quote_name(history.model._meta.db_table)
            parts.append(f"(SELECT MAX(history_id) FROM {history_table})")  # noqa: S608
    if with_jobs:
        # Bulk imports and demo loads update rows without history; the job that ran them marks the change.
        jobs = connection.ops.quote_name(Job._meta.db_table)
        parts.append(f"(SELECT MAX(finished_at) FROM {jobs} WHERE kind IN ('import', 'load_demo'))")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        row = cursor.fetchone()
    return hashlib.sha256((repr(row) + extra).encode()).hexdigest()[:16]


def data_version() -> str:
    """A fingerprint of the records the dashboards read, from index lookups: the highest id of each table
    (new rows), the highest history id (changes and deletions through the ORM and the services), and the
    last finished import or demo load (bulk writes, which keep no history); and today's date, as the
    figures depend on it too (a placement's notice turns from pending to missing the day after it was due,
    and the years shown run to this one)."""
    return _fingerprint(VERSIONED, with_jobs=True, extra=timezone.localdate().isoformat())


def staff_version() -> str:
    """A fingerprint of the staff records: worker names on the caseload panel change with them, not with
    case records."""
    return _fingerprint((StaffProfile,))


def facts(version: str) -> dict[str, Any]:
    """The figures for `version` (a `data_version`), from the cache or computed."""
    key = f"outcomes:dashboard-facts:{version}"
    found = cache.get(key)
    if found is None:
        found = _compute()
        cache.set(key, found, CACHE_SECONDS)
    return found


def _compute() -> dict[str, Any]:
    targets = target_codes()
    wards = list(
        Area.objects.filter(type=Area.Type.WARD, staff__role=StaffProfile.Role.WARD_MANAGER).values_list(
            "gss_code", flat=True
        )
    )
    reference = reference_code()
    stats = area_statistics(
        measures=["out_of_work_claimants", "working_age_population", "benefit_spend", "population"],
        areas=sorted({*targets, *wards, reference}),
    )
    today = timezone.localdate()
    placements = placements_frame()
    placements["status"] = [
        notification_status(n, d, today=today)
        for n, d in zip(placements["notified_on"].tolist(), placements["due_on"].tolist(), strict=True)
    ]
    years = [int(p[:4]) for p in stats["period"]]
    return {
        "latest_year": max(years) if years else None,
        "reference": reference,
        "stats": stats[["area", "frequency", "period", "measure", "value"]],
        "placements": placements[["area", "authority", "type", "year", "status"]],
        "interventions": dashboard_interventions(),
        "households": dashboard_households(),
        "moves": dashboard_moves(),
        "housing": dashboard_housing(),
        "housing_benefit": housing_benefit_by_ward(),
        "residences": residences_frame(),
        "turnover_stats": area_statistics(measures=[COMPARATOR_TURNOVER], frequency="year"),
    }

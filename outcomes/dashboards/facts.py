"""The figures every panel reads, computed for all wards and years at once, in parts (`PARTS`), each cached
on a fingerprint of the records it reads (`versions`).

Computing them all takes about a quarter of a second of CPU on the full demo, most of it reading rows: the
claimants' homes and memberships for the housing benefit spans (their sums come from the ledger,
`datasets.ledger`) and the rows of the other readers. After a
change only the parts that read the changed records are computed again: a caseworker's new intervention
computes the interventions again (about 20 ms), not the housing benefit sums. The panels built from them
are cached alike, each on the parts it reads (`outcomes.dashboards.PANEL_PARTS`).
"""

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
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
from ..datasets.place import COMPARATOR_TURNOVER, residence_rows, residences_frame
from ..datasets.records import (
    dashboard_households,
    dashboard_housing,
    dashboard_interventions,
    dashboard_moves,
    dashboard_placements,
)
from ..models import AreaStatistic, BenefitRecord
from .panel import memo_scope, memoised

CACHE_SECONDS = 6 * 60 * 60
# The records the dashboards read; see `versions`. Memberships decide whose housing benefit a home
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


@dataclass(frozen=True)
class Versions:
    """Fingerprints of the records: `data` of every record the dashboards read (the evidence pack's key),
    and one for each part of the figures (`PARTS`), of the records that part reads."""

    data: str
    parts: dict[str, str]

    def of(self, names: Iterable[str]) -> str:
        """One fingerprint of the named parts (a panel's, of the parts it reads)."""
        return _digest(repr([(name, self.parts[name]) for name in sorted(names)]))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _maxima(models: Iterable[type[Model]], *, with_jobs: bool) -> dict[str, tuple]:
    """For each model (by label), from index lookups in one query: the highest id (new rows) and the
    highest history id (changes and deletions through the ORM and the services); with `with_jobs`, under
    "jobs", the last finished import or demo load (bulk writes, which keep no history)."""
    quote = connection.ops.quote_name  # table names come from model metadata: nothing here is user input
    lookups: dict[str, list[str]] = {}
    for model in models:
        lookups[model._meta.label] = [f"(SELECT MAX(id) FROM {quote(model._meta.db_table)})"]  # noqa: S608
        history = getattr(model, "history", None)
        if history is not None:
            history_table = quote(history.model._meta.db_table)
            lookups[model._meta.label].append(f"(SELECT MAX(history_id) FROM {history_table})")  # noqa: S608
    if with_jobs:
        jobs = quote(Job._meta.db_table)
        lookups["jobs"] = [f"(SELECT MAX(finished_at) FROM {jobs} WHERE kind IN ('import', 'load_demo'))"]  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(sql for columns in lookups.values() for sql in columns))
        row = iter(cursor.fetchone())
    return {name: tuple(next(row) for _ in columns) for name, columns in lookups.items()}


def versions() -> Versions:
    """The fingerprints of the records as they are now (one query). Each part's covers its models, the
    last import or demo load, and today's date, as the figures depend on it too (a placement's notice turns
    from pending to missing the day after it was due, and the years shown run to this one)."""
    maxima = _maxima(VERSIONED, with_jobs=True)
    common = repr((maxima["jobs"], timezone.localdate().isoformat()))
    parts = {
        name: _digest(repr([maxima[model._meta.label] for model in part.models]) + common)
        for name, part in PARTS.items()
    }
    return Versions(data=_digest(repr(sorted(maxima.items())) + common), parts=parts)


def data_version() -> str:
    """A fingerprint of every record the dashboards read (see `versions`)."""
    return versions().data


def staff_version() -> str:
    """A fingerprint of the staff records: worker names on the caseload panel change with them, not with
    case records."""
    return _digest(repr(_maxima((StaffProfile,), with_jobs=False)))


def facts(found: Versions) -> dict[str, Any]:
    """The figures for the records' `versions`: each part from the cache, or computed if its records have
    changed since (a caseworker's new intervention computes the interventions again, not the housing
    benefit sums)."""
    keys = {name: f"outcomes:dashboard-facts:{name}:{version}" for name, version in found.parts.items()}
    cached = cache.get_many(list(keys.values()))
    figures: dict[str, Any] = {}
    with memo_scope():  # parts that read the same rows read them once (`memoised`)
        for name, key in keys.items():
            part = cached.get(key)
            if part is None:
                part = PARTS[name].compute()
                cache.set(key, part, CACHE_SECONDS)
            figures.update(part)
    return figures


def _areas() -> dict[str, Any]:
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
    years = [int(p[:4]) for p in stats["period"]]
    return {
        "latest_year": max(years) if years else None,
        "reference": reference,
        "stats": stats[["area", "frequency", "period", "measure", "value"]],
        "turnover_stats": area_statistics(measures=[COMPARATOR_TURNOVER], frequency="year"),
    }


def _placements() -> dict[str, Any]:
    today = timezone.localdate()
    placements = dashboard_placements()
    status = [
        notification_status(n, d, today=today)
        for n, d in zip(placements["notified_on"].tolist(), placements["due_on"].tolist(), strict=True)
    ]
    return {"placements": placements[["area", "authority", "type", "year"]].assign(status=status)}


@dataclass(frozen=True)
class Part:
    """Some of the figures (`compute` gives them, by name) and the records they are read from: the part
    is computed again only when one of these has changed (`versions`)."""

    models: tuple[type[Model], ...]
    compute: Callable[[], dict[str, Any]]


# The figures in parts, each with the records it reads (a test reads each part's queries and checks them
# against its models; areas, agencies, services and placement types are reference data, refreshed with
# the date). Every model here is in VERSIONED.
PARTS: dict[str, Part] = {
    "areas": Part((AreaStatistic,), _areas),
    "placements": Part((Placement, Household), _placements),
    "interventions": Part((Intervention, Household), lambda: {"interventions": dashboard_interventions()}),
    "households": Part((Household,), lambda: {"households": dashboard_households()}),
    "moves": Part(
        (Residence, Household),
        lambda: {"moves": dashboard_moves(memoised(("residence-rows",), residence_rows))},
    ),
    "housing": Part((Property, Licence, Inspection, HazardFinding), lambda: {"housing": dashboard_housing()}),
    "housing_benefit": Part(
        (BenefitRecord, Membership, Residence, Household, Property, Licence, Inspection, HazardFinding),
        lambda: {"housing_benefit": housing_benefit_by_ward()},
    ),
    "residences": Part(
        (Residence, Property),
        lambda: {"residences": residences_frame(memoised(("residence-rows",), residence_rows))},
    ),
}


def _compute() -> dict[str, Any]:
    """Every part of the figures, computed (the cold computation: `bench/dashboard_cold.py`)."""
    figures: dict[str, Any] = {}
    with memo_scope():
        for part in PARTS.values():
            figures.update(part.compute())
    return figures

"""The policy lead's evidence pack, assembled from the latest successful analysis run of each kind.

Every table in it passes through `disclosure.publish`, and the page, the CSV bundle (`bundle`) and the PDF
are all rendered from the one `EvidencePack` built here, so the three carry the same published figures.
Each section says which run (number, parameters, date) it came from, or which analysis to run when none
has.
"""

import hashlib
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max

from jobs.models import Job

from ..dashboards.facts import data_version
from ..models import AnalysisPlan, AnalysisRun
from ..plans import current_plan
from .barriers import housing_section, placements_section
from .impact import area_section, gap_section, household_section
from .pack import EvidencePack, Section
from .place import place_section
from .plan import plan_section
from .savings import savings_section

METHODS_NOTES = (
    "The gap to the Kent average is descriptive: it counts what the wards would cost at Kent rates, not what any "
    "intervention caused.",
    "Only two wards were treated, so area-level uncertainty comes from placebo fits over comparison wards "
    "(permutation p-values, placebo variance) and not from household-clustered errors. Each estimate states its inference.",
    "Savings keep Exchequer (AME), social value and cashable local savings apart: benefit payments are transfers.",
    "Publishing rules: counts of 1 to 9 are shown as [c], other counts are rounded to the nearest 5, further cells are "
    "suppressed so that none can be derived from totals, and rates, means and amounts are shown only for groups of 10 or "
    "more. Totals may not equal the sum of rounded cells.",
    "Figures in the demo are synthetic and illustrate the method only.",
)


# What "Build the evidence pack" runs, in turn, with each analysis's defaults. Savings comes after the area
# methods because it prices the latest area-impact estimate: synthetic difference-in-differences, run last.
ANALYSES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("gap", {}),
    ("area-impact", {"method": "event-study"}),
    ("area-impact", {"method": "did"}),
    ("area-impact", {"method": "sc"}),
    ("area-impact", {"method": "sdid"}),
    ("its", {}),
    ("household-impact", {}),
    ("matched", {}),
    ("savings", {}),
    ("placements", {}),
    ("housing", {}),
)


def pack_analyses() -> list[tuple[str, dict[str, Any]]]:
    """`ANALYSES` as the build runs them: with a plan locked, every area-impact run is held to it (its wards,
    comparator pool, windows and spillover ring), the plan's own method is among them, and that run carries
    the secondary outcomes with their multiple-testing adjustment."""
    plan = current_plan()
    found = [(kind, dict(parameters)) for kind, parameters in ANALYSES]
    if plan is None:
        return found
    area = [p for kind, p in found if kind == "area-impact"]
    # An entry without a method runs the plan's own.
    if area and not any(p.get("method", plan.method) == plan.method for p in area):
        last = max(i for i, (kind, _) in enumerate(found) if kind == "area-impact")
        found.insert(last + 1, ("area-impact", {"method": plan.method}))
    for kind, parameters in found:
        if kind == "area-impact":
            parameters["plan"] = plan.pk
    return found


def latest_build() -> Job | None:
    """The most recent request to build the whole pack, finished or not."""
    return Job.objects.filter(kind="evidence-pack").order_by("-created_at", "-pk").first()


def methods_section() -> Section:
    return Section("methods", "Methods and limitations", notes=METHODS_NOTES)


def evidence_pack() -> EvidencePack:
    """The pack, cached until another run finishes (it reads nothing but stored results)."""
    latest = AnalysisRun.objects.succeeded().aggregate(
        last=Max("job__finished_at"), n=Count("pk"), top=Max("pk")
    )
    plans = AnalysisPlan.objects.aggregate(locked=Max("locked_at"), deviations=Max("deviations__pk"))
    state = repr((sorted(latest.items()), sorted(plans.items())))
    key = "outcomes:evidence-pack:" + hashlib.sha256(state.encode()).hexdigest()[:16]
    # The place section reads the records, so the pack changes with them too (their fingerprint).
    key += ":" + data_version()
    pack = cache.get(key)
    if pack is None:
        pack = EvidencePack(
            (
                plan_section(),
                gap_section(),
                area_section(),
                household_section(),
                savings_section(),
                placements_section(),
                housing_section(),
                place_section(),
                methods_section(),
            )
        )
        cache.set(key, pack, 24 * 60 * 60)
    return pack

"""The demo's locked analysis plan (headline out-of-work rate by synthetic difference-in-differences) and the
programme's running costs."""

from decimal import Decimal

from outcomes.models import AnalysisPlan, GovernmentLevel, ProgrammeCost
from outcomes.plans import plan_mde
from outcomes.services import analysis_plan_lock, analysis_plan_record, programme_cost_record

from .generate.world import TARGET_WARDS

PRE_START, POST_START, POST_END = "2006-01", "2010-09", "2015-12"
SECONDARY = ["out_of_work_claimants", "benefit_spend"]


def demo_plan_lock() -> AnalysisPlan:
    """Record and lock the plan the demo's analyses are judged against, sized on the demo's own panel."""
    # The synthetic comparators are drawn from across England, none bordering the target wards, so there is
    # no neighbouring ward to exclude; the policy is recorded so a real pool is held to it.
    mde = plan_mde(
        measure="out_of_work_rate",
        treated=list(TARGET_WARDS),
        excluded=[],
        pre_start=PRE_START,
        post_start=POST_START,
        post_end=POST_END,
    )
    plan = analysis_plan_record(
        title="Margate Task Force: impact on the out-of-work rate",
        treated=dict.fromkeys(TARGET_WARDS, POST_START),
        pre_start=PRE_START,
        post_start=POST_START,
        post_end=POST_END,
        headline_measure="out_of_work_rate",
        headline_unit="percentage points",
        method=AnalysisPlan.Method.SDID,
        neighbours=[],
        neighbours_policy=AnalysisPlan.Neighbours.EXCLUDE,
        secondary_outcomes=SECONDARY,
        multiple_testing=AnalysisPlan.MultipleTesting.HOLM,
        mde=float(mde["mde"]),
        mde_basis=mde,
    )
    return analysis_plan_lock(plan=plan)


# Illustrative running costs of the task force: two years of a small co-located team.
PROGRAMME_COSTS = (
    ("Task force staff", ProgrammeCost.Kind.STAFF, 0, "320000", "council", GovernmentLevel.LOCAL),
    ("Task force staff", ProgrammeCost.Kind.STAFF, 1, "320000", "council", GovernmentLevel.LOCAL),
    ("Jobcentre adviser seconded", ProgrammeCost.Kind.STAFF, 0, "45000", "DWP", GovernmentLevel.CENTRAL),
    ("Jobcentre adviser seconded", ProgrammeCost.Kind.STAFF, 1, "45000", "DWP", GovernmentLevel.CENTRAL),
    ("Co-located office", ProgrammeCost.Kind.CO_LOCATION, 0, "60000", "council", GovernmentLevel.LOCAL),
    ("Co-located office", ProgrammeCost.Kind.CO_LOCATION, 1, "60000", "council", GovernmentLevel.LOCAL),
)


def demo_programme_costs() -> list[ProgrammeCost]:
    return [
        programme_cost_record(
            name=name,
            kind=kind,
            year=year,
            amount=Decimal(amount),
            payer=payer,
            level=level,
            price_year=2010,
            source="Demo: illustrative figures for a synthetic programme",
        )
        for name, kind, year, amount, payer, level in PROGRAMME_COSTS
    ]

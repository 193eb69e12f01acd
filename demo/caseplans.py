"""Writes the demo's case work (demo/generate/caseplans.py) after the rest of the world, then raises the
tasks the world's own dates call for on its last day."""

import numpy as np
import pandas as pd
from django.db.models import Min

from casework.models import (
    Assessment,
    CaseNote,
    CasePlan,
    Goal,
    HeadlineOutcome,
    PlanAction,
    Review,
    SustainCheck,
)
from casework.reminders import tasks_raise
from households.models import Household
from taskforce.org.models import Agency

from .generate.caseplans import NOTE_TEXTS as NOTE_TEXT
from .generate.caseplans import OWNER, WORLD_END, case_plans


def write_case_plans(*, seed: int) -> int:
    """Write assessments, plans, goals, actions, reviews, sustain checks, notes, closure reasons and the
    tasks due on the world's last day; return how many rows were written."""
    worked_with = (
        Household.objects.filter(key_worker__isnull=False)
        .annotate(start=Min("interventions__referred_on"))
        .filter(start__isnull=False)
        .order_by("pk")
        .values_list("pk", "start", "closed_on", "key_worker__user_id", "key_worker__agency__code")
    )
    cases = pd.DataFrame(list(worked_with), columns=["household", "start", "closed_on", "worker", "agency"])
    cases["closed_on"] = cases["closed_on"].astype(object).where(cases["closed_on"].notna(), None)
    drawn = case_plans(np.random.default_rng([seed, 11]), cases)
    agencies = dict(Agency.objects.values_list("code", "pk"))
    outcomes = {o.code: o for o in HeadlineOutcome.objects.all()}

    assessments = Assessment.objects.bulk_create(
        Assessment(
            household_id=a.household,
            assessed_on=a.assessed_on,
            agency_id=agencies[a.agency],
            assessor_id=a.assessor,
            summary="Synthetic demo assessment: needs drawn at random for the demo.",
        )
        for a in drawn.assessments.itertuples(index=False)
    )
    Assessment.needs.through.objects.bulk_create(
        Assessment.needs.through(assessment_id=saved.pk, headlineoutcome_id=outcomes[code].pk)
        for saved, codes in zip(assessments, drawn.assessments["needs"], strict=True)
        for code in codes
    )
    of_household = {a.household_id: a.pk for a in assessments}
    plans = CasePlan.objects.bulk_create(
        CasePlan(
            household_id=p.household,
            assessment_id=of_household[p.household],
            lead_agency_id=agencies[p.lead_agency],
            agreed_on=p.agreed_on,
            next_review_on=p.next_review_on,
            status=p.status,
            closed_on=p.closed_on if p.status == "closed" else None,
        )
        for p in drawn.plans.itertuples(index=False)
    )
    goals = Goal.objects.bulk_create(
        Goal(
            plan_id=plans[g.plan].pk,
            outcome=outcomes[g.outcome],
            description=f"Synthetic demo goal: {outcomes[g.outcome].name.lower()}",
            review_on=g.review_on,
            status=g.status,
            achieved_on=g.achieved_on if g.status == "achieved" else None,
        )
        for g in drawn.goals.itertuples(index=False)
    )
    PlanAction.objects.bulk_create(
        PlanAction(
            goal_id=goal.pk,
            description="Synthetic demo action agreed with the family",
            agency_id=agencies[OWNER[code]],
            due_on=goal.review_on,
        )
        for goal, code in zip(goals, drawn.goals["outcome"], strict=True)
    )
    Review.objects.bulk_create(
        Review(
            plan_id=plans[r.plan].pk,
            reviewed_on=r.reviewed_on,
            summary="Synthetic demo review: progress discussed with the family.",
            next_review_on=r.next_review_on,
        )
        for r in drawn.reviews.itertuples(index=False)
    )
    SustainCheck.objects.bulk_create(
        SustainCheck(
            goal_id=goals[c.goal].pk, months=c.months, checked_on=c.checked_on, sustained=c.sustained
        )
        for c in drawn.checks.itertuples(index=False)
    )
    CaseNote.objects.bulk_create(
        (
            CaseNote(
                household_id=n.household,
                contact_on=n.contact_on,
                kind=n.kind,
                author_id=n.author,
                agency_id=agencies[n.agency],
                sensitive=n.sensitive,
                text=NOTE_TEXT[n.kind],
            )
            for n in drawn.notes.itertuples(index=False)
        ),
        batch_size=2000,
    )
    for reason, group in drawn.closures.groupby("reason") if len(drawn.closures) else ():
        Household.objects.filter(pk__in=group["household"].tolist()).update(closure_reason=reason)
    # Everyone else left the wards: the world closes a case when its household departs.
    Household.objects.filter(status="closed", closure_reason="").update(closure_reason="moved_away")
    tasks = tasks_raise(today=WORLD_END)
    return sum(len(t) for t in vars(drawn).values()) + len(tasks)

"""The household page's case work sections: the assessment and plan, case notes, and the timeline's case
work events with its filter by type and author."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.http import QueryDict
from django.utils.text import Truncator

from households.models import Household
from taskforce.org.scoping import User

from .models import Assessment, CaseNote, CasePlan, Goal, HeadlineOutcome, Review
from .selectors import Event, HouseholdRecords

TIMELINE_TYPES = [
    ("case", "Opening and closing"),
    ("member", "Members"),
    ("home", "Homes"),
    ("placement", "Placements"),
    ("sharing", "Data sharing"),
    ("intervention", "Interventions"),
    ("referral", "Referrals"),
    ("plan", "Assessment and plan"),
    ("note", "All case notes"),
    *((f"note:{value}", f"Case notes: {label.lower()}s") for value, label in CaseNote.Kind.choices),
]


def add_casework(records: HouseholdRecords, user: User) -> None:
    """Read the household's case notes, assessments and plans (with goals, actions, reviews) into `records`."""
    household = records.household
    records.notes = list(CaseNote.objects.of_household(household, user).select_related("author", "agency"))
    records.assessments = list(
        Assessment.objects.of_household(household, user)
        .select_related("agency", "assessor")
        .prefetch_related("needs")
    )
    records.plans = list(
        CasePlan.objects.of_household(household, user)
        .select_related("lead_agency")
        .prefetch_related(
            Prefetch(
                "goals",
                Goal.objects.select_related("outcome").prefetch_related("actions__agency", "sustain_checks"),
            ),
            Prefetch("reviews", Review.objects.select_related("reviewer")),
        )
    )


def _name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "someone no longer here"


def note_event(note: CaseNote) -> Event:
    title = f"{note.get_kind_display()} by {_name(note.author)} ({note.agency})"
    if note.sensitive:
        title += ", sensitive"
    return Event(note.contact_on, title, Truncator(note.text).chars(200), f"note:{note.kind}", note.author_id)


def casework_events(records: HouseholdRecords) -> list[Event]:
    events = [note_event(note) for note in records.notes]
    for a in records.assessments:
        needs = ", ".join(n.name for n in a.needs.all())
        events.append(Event(a.assessed_on, "Whole-family assessment", needs, "plan"))
    for plan in records.plans:
        events.append(Event(plan.agreed_on, "Case plan agreed", f"Lead agency: {plan.lead_agency}", "plan"))
        for goal in plan.goals.all():
            if goal.achieved_on:
                events.append(
                    Event(goal.achieved_on, f"Goal achieved: {goal.outcome}", goal.description, "plan")
                )
        for review in plan.reviews.all():
            events.append(
                Event(review.reviewed_on, "Plan reviewed", Truncator(review.summary).chars(200), "plan")
            )
    household = records.household
    if household.closure_reason:
        events.append(
            Event(
                household.closed_on or date.min,
                "Reason for closing",
                household.get_closure_reason_display(),
                "case",
            )
        )
    return events


@dataclass(frozen=True)
class TimelineFilter:
    type: str
    author: int | None
    types: list[tuple[str, str]]
    authors: list[tuple[int, str]]

    @property
    def active(self) -> bool:
        return bool(self.type) or self.author is not None

    def keeps(self, event: Event) -> bool:
        if self.type and not (event.kind == self.type or event.kind.startswith(f"{self.type}:")):
            return False
        return self.author is None or event.author_id == self.author


def timeline_filter(
    params: QueryDict, notes: list[CaseNote], *, types: list[tuple[str, str]]
) -> TimelineFilter:
    """The filter the query string asks for; values that are not offered are ignored."""
    ids = sorted({n.author_id for n in notes})
    users = {u.pk: _name(u) for u in get_user_model().objects.filter(pk__in=ids)} if ids else {}
    authors = sorted(users.items(), key=lambda item: item[1])
    kind = params.get("type", "")
    author_text = params.get("author", "")
    author = int(author_text) if author_text.isdigit() and int(author_text) in users else None
    return TimelineFilter(kind if kind in dict(types) else "", author, types, authors)


def plan_context(records: HouseholdRecords, today: date) -> dict[str, Any]:
    plans = records.plans
    current = next((p for p in plans if p.status == CasePlan.Status.OPEN), None)
    household: Household = records.household
    return {
        "assessments": records.assessments,
        "latest_assessment": records.assessments[0] if records.assessments else None,
        "current_plan": current,
        "past_plans": [p for p in plans if p is not current],
        "review_overdue": current is not None and current.next_review_on < today,
        "headline_outcomes": HeadlineOutcome.objects.all() if not records.assessments else [],
        "closed": household.status == Household.Status.CLOSED,
    }

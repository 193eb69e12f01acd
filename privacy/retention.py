"""Retention: closed cases kept past the retention period, and the two ways a case leaves the records.

- **Erasure** deletes the case: its memberships, homes, placements, data-sharing bases, interventions,
  referrals, case work (case notes, assessments, case plans with their goals, actions, reviews and sustain
  checks, and tasks), the people who belong to no other case with their benefit records and the links
  recorded about them, and the change history of all of them. A case a ward manager opened by break glass is refused: the grant and its review are the
  audit of that decision, so such a case is anonymised instead.
- **Anonymisation** keeps what the statistics need (ward, opening and closing dates, status; each person's
  sex and year of birth, stored as 1 July of that year; homes and moves, placements, interventions with
  their service, dates, status, outcome and cost; referrals' agencies and dates; benefit records by month,
  benefit and amount; assessments' needs, plans' dates and status, goals' headline outcome, dates and
  status, actions' agency and dates, sustain checks' result) and removes what names anyone: names,
  National Insurance numbers, exact dates of birth, case notes (deleted), intervention notes, referral
  reasons and outcomes, the free text of assessments, reviews, goals, actions and sustain checks, the
  case's tasks (deleted), the reasons given for links between records, and the change history that still
  holds any of it.

Both run in one transaction: a failure anywhere writes nothing. The access log keeps its rows: it names
records by id only, and who read a person's data is itself a record the law asks to keep.
"""

from collections.abc import Iterable
from datetime import date

from django.db import models
from django.db.models import Count, QuerySet

from casework.models import Assessment, CaseNote, CasePlan, Goal, PlanAction, Review, SustainCheck, Task
from households.models import (
    DataSharingBasis,
    Household,
    Membership,
    Person,
    PersonLink,
    Placement,
    Residence,
)
from interventions.models import Intervention, Referral
from outcomes.models import BenefitRecord
from taskforce.org.models import BreakGlassGrant

# Case records are kept this many full years after a case closes, then reviewed for deletion.
RETENTION_YEARS = 6
ANONYMISED_NAME = "Anonymised"


class RetentionRefused(Exception):
    pass


def due_for_review(today: date) -> QuerySet[Household]:
    """Closed cases past retention and not yet anonymised, oldest closing first, with how many people each
    holds."""
    return (
        Household.objects.past_retention(today, years=RETENTION_YEARS)
        .exclude(retention_actions__status="done")
        .annotate(members=Count("memberships__person", distinct=True))
        .select_related("ward")
        .order_by("closed_on", "pk")
    )


def _history_of(model: type[models.Model], ids: Iterable[int]) -> int:
    """Delete the change history of these rows; the number of history rows removed."""
    history = model.history.model  # type: ignore[attr-defined]
    deleted, _ = history.objects.filter(id__in=list(ids)).delete()
    return deleted


def _only_here(household: Household) -> list[int]:
    """People whose every membership is in this household."""
    members = Membership.objects.filter(household=household).values_list("person_id", flat=True)
    elsewhere = Membership.objects.filter(person__in=members).exclude(household=household)
    kept = Person.objects.filter(pk__in=members).exclude(pk__in=elsewhere.values("person_id"))
    return list(kept.values_list("pk", flat=True))


def erase(household: Household) -> dict[str, int]:
    """Delete the case and everything only it holds. Call inside a transaction (the service does)."""
    if BreakGlassGrant.objects.filter(household=household).exists():
        raise RetentionRefused(
            f"{household.case_reference} was opened by break glass: anonymise it, so the grant and its "
            "review keep the case they are about."
        )
    people = _only_here(household)
    plans = CasePlan.objects.filter(household=household)
    goals = Goal.objects.filter(plan__in=plans)
    # Children before parents: a plan protects its assessment.
    rows: list[tuple[type[models.Model], QuerySet]] = [
        (SustainCheck, SustainCheck.objects.filter(goal__in=goals)),
        (PlanAction, PlanAction.objects.filter(goal__in=goals)),
        (Review, Review.objects.filter(plan__in=plans)),
        (Goal, goals),
        (CasePlan, plans),
        (Assessment, Assessment.objects.filter(household=household)),
        (CaseNote, CaseNote.objects.filter(household=household)),
        (Task, Task.objects.filter(household=household)),
        (PersonLink, PersonLink.objects.filter(models.Q(person__in=people) | models.Q(other__in=people))),
        (BenefitRecord, BenefitRecord.objects.filter(person__in=people)),
        (Referral, Referral.objects.filter(household=household)),
        (Intervention, Intervention.objects.filter(household=household)),
        (Placement, Placement.objects.filter(household=household)),
        (Residence, Residence.objects.filter(household=household)),
        (DataSharingBasis, DataSharingBasis.objects.filter(household=household)),
        (Membership, Membership.objects.filter(household=household)),
        (Person, Person.objects.filter(pk__in=people)),
        (Household, Household.objects.filter(pk=household.pk)),
    ]
    counts: dict[str, int] = {}
    removed: list[tuple[type[models.Model], list[int]]] = []
    for model, queryset in rows:
        ids = list(queryset.values_list("pk", flat=True))
        queryset.delete()
        counts[str(model._meta.verbose_name_plural)] = len(ids)
        removed.append((model, ids))
    # After the deletes: deleting writes one more history row per record, holding its last values.
    counts["change history rows"] = sum(_history_of(model, ids) for model, ids in removed)
    return counts


def anonymise(household: Household) -> dict[str, int]:
    """Strip what names anyone from the case, keeping what the statistics need (see the module docstring)."""
    people = list(Membership.objects.filter(household=household).values_list("person_id", flat=True))
    only_here = set(_only_here(household))
    counts: dict[str, int] = {}
    anonymised = 0
    for person in Person.objects.filter(pk__in=only_here):
        Person.objects.filter(pk=person.pk).update(
            given_name=ANONYMISED_NAME,
            family_name=f"person {person.pk}",
            nino=None,
            date_of_birth=date(person.date_of_birth.year, 7, 1),
        )
        anonymised += 1
    counts["people anonymised"] = anonymised
    counts["people kept (on another case)"] = len(set(people) - only_here)
    notes = Intervention.objects.filter(household=household).exclude(notes="")
    counts["case notes removed"] = notes.update(notes="")
    counts["referral reasons removed"] = Referral.objects.filter(household=household).update(
        reason=ANONYMISED_NAME, outcome=""
    )
    plans = CasePlan.objects.filter(household=household)
    goals = Goal.objects.filter(plan__in=plans)
    case_notes = list(CaseNote.objects.filter(household=household).values_list("pk", flat=True))
    tasks = list(Task.objects.filter(household=household).values_list("pk", flat=True))
    CaseNote.objects.filter(pk__in=case_notes).delete()
    Task.objects.filter(pk__in=tasks).delete()
    counts["case notes removed"] += len(case_notes)
    counts["tasks removed"] = len(tasks)
    free_text = [
        (Assessment, Assessment.objects.filter(household=household), {"summary": ANONYMISED_NAME}),
        (Review, Review.objects.filter(plan__in=plans), {"summary": ANONYMISED_NAME}),
        (Goal, goals, {"description": ANONYMISED_NAME}),
        (PlanAction, PlanAction.objects.filter(goal__in=goals), {"description": ANONYMISED_NAME}),
        (SustainCheck, SustainCheck.objects.filter(goal__in=goals), {"note": ""}),
        (
            PersonLink,
            PersonLink.objects.filter(models.Q(person__in=only_here) | models.Q(other__in=only_here)),
            {"reason": "", "undo_reason": ""},
        ),
    ]
    cleared: list[tuple[type[models.Model], list[int]]] = []
    for model, queryset, blank in free_text:
        ids = list(queryset.values_list("pk", flat=True))
        model._default_manager.filter(pk__in=ids).update(**blank)
        cleared.append((model, ids))
    counts["case work texts removed"] = sum(len(ids) for model, ids in cleared if model is not PersonLink)
    history = _history_of(Person, only_here)
    for model in (Intervention, Referral):
        history += _history_of(model, model.objects.filter(household=household).values_list("pk", flat=True))
    history += _history_of(CaseNote, case_notes) + _history_of(Task, tasks)
    history += sum(_history_of(model, ids) for model, ids in cleared)
    counts["change history rows"] = history
    return counts

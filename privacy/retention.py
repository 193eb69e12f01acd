"""Retention: closed cases kept past the retention period, and the two ways a case leaves the records.

- **Erasure** deletes the case: its memberships, homes, placements, data-sharing bases, interventions,
  referrals, the people who belong to no other case and their benefit records, and the change history of
  all of them. A case a ward manager opened by break glass is refused: the grant and its review are the
  audit of that decision, so such a case is anonymised instead.
- **Anonymisation** keeps what the statistics need (ward, opening and closing dates, status; each person's
  sex and year of birth, stored as 1 July of that year; homes and moves, placements, interventions with
  their service, dates, status, outcome and cost; referrals' agencies and dates; benefit records by month,
  benefit and amount) and removes what names anyone: names, National Insurance numbers, exact dates of
  birth, case notes, referral reasons and outcomes, and the change history that still holds them.

Both run in one transaction: a failure anywhere writes nothing. The access log keeps its rows: it names
records by id only, and who read a person's data is itself a record the law asks to keep.
"""

from collections.abc import Iterable
from datetime import date

from django.db import models
from django.db.models import Count, QuerySet

from households.models import DataSharingBasis, Household, Membership, Person, Placement, Residence
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
    rows: list[tuple[type[models.Model], QuerySet]] = [
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
    history = _history_of(Person, only_here)
    for model in (Intervention, Referral):
        history += _history_of(model, model.objects.filter(household=household).values_list("pk", flat=True))
    counts["change history rows"] = history
    return counts

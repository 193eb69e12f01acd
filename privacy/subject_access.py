"""Subject access: everything held about one person, by table (the API's export and the workspace's
gathering read the same), and the release of a reviewed request as a zip of CSV files."""

import io
import zipfile
from collections import defaultdict
from typing import Any

from django.db import models
from django.forms.models import model_to_dict

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
from taskforce.org.csvsafe import write_csv
from taskforce.org.models import AccessLog


def _rows(queryset: models.QuerySet) -> list[dict[str, Any]]:
    return [
        _plain(model_to_dict(row, fields=[f.name for f in row._meta.concrete_fields])) for row in queryset
    ]


def _rows_with(queryset: models.QuerySet, many: str) -> list[dict[str, Any]]:
    """`_rows`, each row also carrying the names of its `many` (a many-to-many field) joined by "; "."""
    return [
        {**row, many: "; ".join(sorted(str(related) for related in getattr(obj, many).all()))}
        for obj, row in zip(queryset, _rows(queryset), strict=True)
    ]


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value if isinstance(value, int | float | bool | None) else str(value)
        for key, value in row.items()
    }


def same_person_records(person: Person) -> list[int]:
    """The ids of `person` and of every record linked to it as the same person by a current link, followed
    from link to link (A linked to B and B to C: all three), lowest first. Records found to be different
    people, and links since undone, are not followed."""
    found = {person.pk}
    frontier = {person.pk}
    while frontier:
        pairs = (
            PersonLink.objects.current()
            .filter(kind=PersonLink.Kind.SAME)
            .filter(models.Q(person__in=frontier) | models.Q(other__in=frontier))
        )
        linked = {pk for pair in pairs.values_list("person_id", "other_id") for pk in pair}
        frontier = linked - found
        found |= frontier
    return sorted(found)


def everything_about(person: Person) -> dict[str, list[dict[str, Any]]]:
    """Everything held about the person, by table: their record and every record linked to it as the same
    person (`same_person_records`), the links recorded about them (current and undone, of either kind),
    their memberships, benefit records and the referrals and interventions naming them, and, for each
    household they belong or belonged to, its homes, placements, interventions, referrals, data-sharing
    bases (consent and gateways), case notes, assessments, case plans with their goals, actions, reviews
    and sustainment checks, and tasks; and every logged read of their data. The data protection officer
    reviews the items and withholds third-party data before release."""
    people = same_person_records(person)
    households = Household.objects.filter(memberships__person__in=people).distinct()
    plans = CasePlan.objects.filter(household__in=households)
    goals = Goal.objects.filter(plan__in=plans)
    reads = (
        AccessLog.objects.filter(subjects__person_id__in=people, outcome=AccessLog.Outcome.ALLOWED)
        .distinct()
        .order_by("at", "id")
    )
    return {
        "person": _rows(Person.objects.filter(pk__in=people).order_by("pk")),
        "person_links": _rows(
            PersonLink.objects.filter(models.Q(person__in=people) | models.Q(other__in=people)).order_by("pk")
        ),
        "memberships": _rows(Membership.objects.filter(person__in=people).order_by("pk")),
        "households": _rows(households.order_by("pk")),
        "residences": _rows(Residence.objects.filter(household__in=households).order_by("pk")),
        "placements": _rows(Placement.objects.filter(household__in=households).order_by("pk")),
        "interventions": _rows(
            Intervention.objects.filter(models.Q(household__in=households) | models.Q(person__in=people))
            .distinct()
            .order_by("pk")
        ),
        "referrals": _rows(
            Referral.objects.filter(models.Q(household__in=households) | models.Q(person__in=people))
            .distinct()
            .order_by("pk")
        ),
        "benefit_records": _rows(BenefitRecord.objects.filter(person__in=people).order_by("pk")),
        "data_sharing_bases": _rows_with(
            DataSharingBasis.objects.filter(household__in=households)
            .prefetch_related("agencies")
            .order_by("pk"),
            "agencies",
        ),
        "case_notes": _rows(CaseNote.objects.filter(household__in=households).order_by("pk")),
        "assessments": _rows_with(
            Assessment.objects.filter(household__in=households).prefetch_related("needs").order_by("pk"),
            "needs",
        ),
        "case_plans": _rows(plans.order_by("pk")),
        "plan_goals": _rows(goals.order_by("pk")),
        "plan_actions": _rows(PlanAction.objects.filter(goal__in=goals).order_by("pk")),
        "plan_reviews": _rows(Review.objects.filter(plan__in=plans).order_by("pk")),
        "sustain_checks": _rows(SustainCheck.objects.filter(goal__in=goals).order_by("pk")),
        "tasks": _rows(Task.objects.filter(household__in=households).order_by("pk")),
        "access_log": [
            {
                "at": entry.at.isoformat(),
                "username": entry.username,
                "role": entry.role,
                "route": entry.route,
                "action": entry.action,
                "resource": entry.resource,
                "purpose": entry.purpose,
                "client_address": entry.client_address,
            }
            for entry in reads
        ],
    }


def release_zip(items: Any) -> bytes:
    """The items not withheld, one CSV per table, every cell safe to open in a spreadsheet."""
    tables: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        if not item.redacted:
            tables[item.table].append(item.data)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in tables.items():
            header = list(dict.fromkeys(key for row in rows for key in row))
            out = io.StringIO()
            write_csv(out, header, ([row.get(key) for key in header] for row in rows))
            archive.writestr(f"{name}.csv", out.getvalue())
    return buffer.getvalue()

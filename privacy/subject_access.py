"""Subject access: everything held about one person, by table (the API's export and the workspace's
gathering read the same), and the release of a reviewed request as a zip of CSV files."""

import io
import zipfile
from collections import defaultdict
from typing import Any

from django.db import models
from django.forms.models import model_to_dict

from households.models import Household, Membership, Person, Placement, Residence
from interventions.models import Intervention, Referral
from outcomes.models import BenefitRecord
from taskforce.org.csvsafe import write_csv
from taskforce.org.models import AccessLog


def _rows(queryset: models.QuerySet) -> list[dict[str, Any]]:
    return [
        _plain(model_to_dict(row, fields=[f.name for f in row._meta.concrete_fields])) for row in queryset
    ]


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value if isinstance(value, int | float | bool | None) else str(value)
        for key, value in row.items()
    }


def everything_about(person: Person) -> dict[str, list[dict[str, Any]]]:
    """The person, their memberships and households, and each household's homes, placements,
    interventions and referrals, their benefit records, and every logged read of their data."""
    households = Household.objects.filter(memberships__person=person).distinct()
    reads = AccessLog.objects.filter(
        subjects__person_id=person.pk, outcome=AccessLog.Outcome.ALLOWED
    ).order_by("at", "id")
    return {
        "person": _rows(Person.objects.filter(pk=person.pk)),
        "memberships": _rows(Membership.objects.filter(person=person)),
        "households": _rows(households),
        "residences": _rows(Residence.objects.filter(household__in=households)),
        "placements": _rows(Placement.objects.filter(household__in=households)),
        "interventions": _rows(Intervention.objects.filter(household__in=households)),
        "referrals": _rows(Referral.objects.filter(household__in=households)),
        "benefit_records": _rows(BenefitRecord.objects.filter(person=person)),
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

"""Writes for interventions and referrals. Each validates, then saves, in one transaction."""

from collections.abc import Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Intervention, Referral

CaseRecord = TypeVar("CaseRecord", Intervention, Referral)

UPDATABLE = {
    Intervention: {
        "person",
        "service",
        "worker",
        "referred_on",
        "started_on",
        "ended_on",
        "status",
        "outcome",
        "cost",
        "notes",
    },
    Referral: {"person", "to_agency", "reason", "sent_on", "status", "responded_on", "outcome"},
}


@transaction.atomic
def intervention_record(**fields: Any) -> Intervention:
    """Record an intervention with a household (fields as on Intervention)."""
    intervention = Intervention(**fields)
    intervention.full_clean()
    intervention.save()
    return intervention


@transaction.atomic
def referral_send(**fields: Any) -> Referral:
    """Record a referral from one agency to another (fields as on Referral)."""
    referral = Referral(**fields)
    referral.full_clean()
    referral.save()
    return referral


@transaction.atomic
def case_record_update(*, instance: CaseRecord, changes: Mapping[str, Any]) -> CaseRecord:
    refused = set(changes) - UPDATABLE[type(instance)]
    if refused:
        raise ValidationError(
            {field: "This field cannot be changed once recorded." for field in sorted(refused)}
        )
    for field, value in changes.items():
        setattr(instance, field, value)
    instance.full_clean()
    instance.save()
    return instance

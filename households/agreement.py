"""Writes to the Margate Agreement register: an authority signs (once), and what it signed can be corrected."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from taskforce.org import records

from .models import AgreementSignatory, PlacingAuthority

SIGNATORY_FIELDS = ("signed_on", "commitments", "notes")


@transaction.atomic
def signatory_record(
    *, authority: PlacingAuthority, signed_on: date, commitments: str, notes: str = ""
) -> AgreementSignatory:
    if not authority.gss_code:
        raise ValidationError({"authority": "Only a local authority on the register can sign."})
    if AgreementSignatory.objects.filter(authority=authority).exists():
        raise ValidationError({"authority": f"{authority} has already signed the Margate Agreement."})
    return records.create(
        AgreementSignatory(authority=authority, signed_on=signed_on, commitments=commitments, notes=notes)
    )


@transaction.atomic
def signatory_update(*, signatory: AgreementSignatory, **changes: object) -> AgreementSignatory:
    return records.update(signatory, editable=SIGNATORY_FIELDS, changes=changes)

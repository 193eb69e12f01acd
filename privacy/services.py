"""Writes of the data protection officer's workspace. Each checks the writer may (`scoping.WRITES["privacy"]`),
validates whole, saves in one transaction, and keeps its change history (who and when)."""

from collections.abc import Collection
from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from households.models import Household, Person
from taskforce.org import audit, scoping
from taskforce.org.models import AccessLog, Agency, BreakGlassGrant, StaffProfile
from taskforce.org.records import create

from . import retention
from .models import (
    BreakGlassReview,
    RetentionAction,
    SharingAgreement,
    SubjectAccessItem,
    SubjectAccessRequest,
)
from .subject_access import everything_about


def _require_dpo(user: User) -> None:
    if not scoping.may_write(user, "privacy"):
        raise ValidationError("Only the data protection officer can do this.")


def _next_reference(received_on: date) -> str:
    prefix = f"SAR-{received_on.year}-"
    taken = SubjectAccessRequest.objects.filter(reference__startswith=prefix).count()
    return f"{prefix}{taken + 1:04d}"


@transaction.atomic
def sar_receive(
    *,
    user: User,
    requester: str,
    received_on: date,
    person: Person | None,
    identity_checked: bool,
    identity_evidence: str,
) -> SubjectAccessRequest:
    """Record a subject access request as received; its one-month deadline runs from `received_on`."""
    _require_dpo(user)
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "The date received cannot be in the future."})
    if identity_checked and not identity_evidence.strip():
        raise ValidationError({"identity_evidence": "Say how the requester's identity was checked."})
    return create(
        SubjectAccessRequest(
            reference=_next_reference(received_on),
            requester=requester.strip(),
            received_on=received_on,
            person=person,
            identity_checked=identity_checked,
            identity_evidence=identity_evidence.strip(),
            handled_by=user,
        )
    )


@transaction.atomic
def sar_confirm_identity(
    *, user: User, sar: SubjectAccessRequest, person: Person, identity_evidence: str
) -> SubjectAccessRequest:
    """Record that the requester's identity was checked, and whose data the request is about."""
    _require_dpo(user)
    if sar.status != SubjectAccessRequest.Status.RECEIVED:
        raise ValidationError({"person": "The data has already been gathered for this request."})
    if not identity_evidence.strip():
        raise ValidationError({"identity_evidence": "Say how the requester's identity was checked."})
    sar.person = person
    sar.identity_checked = True
    sar.identity_evidence = identity_evidence.strip()
    sar.full_clean()
    sar.save()
    return sar


@transaction.atomic
def sar_extend(*, user: User, sar: SubjectAccessRequest, reason: str) -> SubjectAccessRequest:
    """Extend the deadline by two further months (UK GDPR Art 12(3)), once, with the reason."""
    _require_dpo(user)
    if sar.extended:
        raise ValidationError({"extension_reason": "The deadline has already been extended once."})
    if sar.status == SubjectAccessRequest.Status.RELEASED:
        raise ValidationError({"extension_reason": "The request has been released."})
    if len(reason.strip()) < 10:
        raise ValidationError({"extension_reason": "Give the reason in at least 10 characters."})
    sar.extended = True
    sar.extension_reason = reason.strip()
    sar.full_clean()
    sar.save()
    return sar


@transaction.atomic
def sar_gather(*, user: User, sar: SubjectAccessRequest, client_address: str | None) -> int:
    """Gather everything held about the person into the request's items, replacing any earlier gathering.
    The read is logged as a subject access export. Returns how many items were gathered."""
    _require_dpo(user)
    if sar.status == SubjectAccessRequest.Status.RELEASED:
        raise ValidationError("The request has been released: its items cannot change.")
    if not sar.identity_checked:
        raise ValidationError({"identity_checked": "Check the requester's identity before gathering."})
    if sar.person_id is None:
        raise ValidationError({"person": "Find the person the request is about before gathering."})
    person = Person.objects.get(pk=sar.person_id)
    tables = everything_about(person)
    sar.items.all().delete()
    SubjectAccessItem.objects.bulk_create(
        SubjectAccessItem(request=sar, table=table, position=i, data=row)
        for table, rows in tables.items()
        for i, row in enumerate(rows)
    )
    audit.access_record(
        user=user,
        route=AccessLog.Route.WEB,
        action=AccessLog.Action.SUBJECT_ACCESS,
        resource="households.person",
        object_ids=[row["id"] for row in tables["person"]],
        person_ids=[row["id"] for row in tables["person"]],
        purpose=f"Subject access request {sar.reference}",
        client_address=client_address,
    )
    sar.status = SubjectAccessRequest.Status.GATHERED
    sar.gathered_at = timezone.now()
    sar.reviewed_at = None
    sar.full_clean()
    sar.save()
    return sum(len(rows) for rows in tables.values())


@transaction.atomic
def sar_review(
    *, user: User, sar: SubjectAccessRequest, redacted: Collection[int], reason: str
) -> SubjectAccessRequest:
    """Mark the items in `redacted` withheld (third-party data, say) for `reason`, the rest released."""
    _require_dpo(user)
    if sar.status not in {SubjectAccessRequest.Status.GATHERED, SubjectAccessRequest.Status.REVIEWED}:
        raise ValidationError("Gather the request's data before reviewing it.")
    unknown = set(redacted) - set(sar.items.values_list("pk", flat=True))
    if unknown:
        raise ValidationError({"redacted": "An item to withhold does not belong to this request."})
    if redacted and len(reason.strip()) < 5:
        raise ValidationError({"reason": "Say why the marked items are withheld."})
    sar.items.exclude(pk__in=redacted).update(redacted=False, redaction_reason="")
    sar.items.filter(pk__in=redacted).update(redacted=True, redaction_reason=reason.strip()[:200])
    sar.status = SubjectAccessRequest.Status.REVIEWED
    sar.reviewed_at = timezone.now()
    sar.full_clean()
    sar.save()
    return sar


@transaction.atomic
def sar_release(*, user: User, sar: SubjectAccessRequest, released_on: date) -> SubjectAccessRequest:
    _require_dpo(user)
    if sar.status != SubjectAccessRequest.Status.REVIEWED:
        raise ValidationError("Review the gathered data before releasing it.")
    if released_on > timezone.localdate():
        raise ValidationError({"released_on": "The release date cannot be in the future."})
    sar.status = SubjectAccessRequest.Status.RELEASED
    sar.released_on = released_on
    sar.full_clean()
    sar.save()
    return sar


@transaction.atomic
def break_glass_review_close(
    *, user: User, grant: BreakGlassGrant, finding: str, note: str
) -> BreakGlassReview:
    """Close a break-glass grant with the data protection officer's finding."""
    _require_dpo(user)
    if BreakGlassReview.objects.filter(grant=grant).exists():
        raise ValidationError({"finding": "This grant has already been reviewed."})
    return create(
        BreakGlassReview(
            grant=grant, finding=finding, note=note.strip(), reviewed_by=user, reviewed_at=timezone.now()
        )
    )


@transaction.atomic
def retention_propose(*, user: User, household: Household, method: str, reason: str) -> RetentionAction:
    """Propose erasing or anonymising a closed case past retention; a data protection officer approves it."""
    _require_dpo(user)
    if not retention.due_for_review(timezone.localdate()).filter(pk=household.pk).exists():
        raise ValidationError(
            {
                "household": f"{household} is not due for review: not past its retention period, or already anonymised."
            }
        )
    if len(reason.strip()) < 10:
        raise ValidationError({"reason": "Give the reason in at least 10 characters."})
    return create(
        RetentionAction(
            household=household,
            case_reference=household.case_reference,
            method=method,
            reason=reason.strip(),
            proposed_by=user,
            proposed_at=timezone.now(),
        )
    )


def other_dpo_exists(user: User) -> bool:
    return (
        StaffProfile.objects.filter(role=StaffProfile.Role.DATA_PROTECTION_OFFICER, user__is_active=True)
        .exclude(user=user)
        .exists()
    )


@transaction.atomic
def retention_approve(*, user: User, action: RetentionAction, confirmation: str) -> RetentionAction:
    """Approve a proposal and carry it out, all or nothing.

    Four eyes where there are four: when another data protection officer is active, the proposer cannot
    approve their own proposal. A single officer approves their own by typing the case reference again.
    Either way the approver types the case reference, so no case goes by a slip of the mouse.
    """
    _require_dpo(user)
    action = RetentionAction.objects.select_for_update().get(pk=action.pk)
    if action.status != RetentionAction.Status.PROPOSED or action.household_id is None:
        raise ValidationError("This proposal has already been decided.")
    if action.proposed_by_id == user.pk and other_dpo_exists(user):
        raise ValidationError("Another data protection officer must approve your proposal.")
    if confirmation.strip().upper() != action.case_reference:
        raise ValidationError(
            {"confirmation": f"Type the case reference {action.case_reference} to confirm."}
        )
    household = Household.objects.select_for_update().get(pk=action.household_id)
    if not retention.due_for_review(timezone.localdate()).filter(pk=household.pk).exists():
        raise ValidationError(f"{household} is no longer past its retention period.")
    try:
        if action.method == RetentionAction.Method.ERASE:
            summary = retention.erase(household)
            action.household = None
        else:
            summary = retention.anonymise(household)
    except retention.RetentionRefused as refused:
        raise ValidationError(str(refused)) from None
    except ProtectedError as protected:
        raise ValidationError(
            f"{household} cannot be erased: other records still name its people "
            f"({len(protected.protected_objects)} found). Anonymise it instead."
        ) from None
    action.status = RetentionAction.Status.DONE
    action.approved_by = user
    action.approved_at = timezone.now()
    action.summary = summary
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def retention_withdraw(*, user: User, action: RetentionAction) -> RetentionAction:
    _require_dpo(user)
    if action.status != RetentionAction.Status.PROPOSED:
        raise ValidationError("This proposal has already been decided.")
    action.status = RetentionAction.Status.WITHDRAWN
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def sharing_agreement_create(
    *,
    user: User,
    title: str,
    partner: Agency,
    parties: Collection[Agency],
    purpose: str,
    gateway: str,
    starts_on: date,
    ends_on: date | None,
    review_on: date,
) -> SharingAgreement:
    """Record an information-sharing agreement; the partner is always one of its parties."""
    _require_dpo(user)
    agreement = create(
        SharingAgreement(
            title=title.strip(),
            partner=partner,
            purpose=purpose.strip(),
            gateway=gateway,
            starts_on=starts_on,
            ends_on=ends_on,
            review_on=review_on,
        )
    )
    agreement.parties.set({partner, *parties})
    return agreement

"""Writes for duplicate people: a person added only after the likely matches were shown, and links between
two records of one person (never a merge), recorded and undone with who and when."""

from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from taskforce.org import records

from .duplicates import Match, PossibleDuplicates, likely_matches
from .models import Household, Person, PersonLink
from .services import person_register


def household_postcode(household: Household) -> str | None:
    """The postcode of the household's current home, for matching people at the same address."""
    home = household.residences.filter(moved_out__isnull=True).select_related("property").first()
    return home.property.postcode if home else None


@transaction.atomic
def person_register_checked(
    *,
    user: User,
    household: Household,
    relationship: str,
    joined_on: date,
    given_name: str,
    family_name: str,
    date_of_birth: date,
    nino: str | None = None,
    sex: str = "",
    confirm_distinct: bool = False,
    same_as: Person | None = None,
) -> tuple[Person, list[Match]]:
    """Add a member after checking for likely duplicates among the people `user` may see.

    With matches and neither `confirm_distinct` nor `same_as`, PossibleDuplicates is raised and nothing is
    written. With `same_as` (one of the matches), the new record is linked to it as the same person; with
    `confirm_distinct`, every match is marked as a different person, so the review queue does not offer
    the pair again."""
    matches = likely_matches(
        user=user,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        nino=nino,
        postcode=household_postcode(household),
    )
    if same_as is not None and same_as.pk not in {m.person.pk for m in matches}:
        raise ValidationError({"same_as": "Link only to one of the records listed as a likely match."})
    if matches and not (confirm_distinct or same_as is not None):
        raise PossibleDuplicates(matches)
    person = person_register(
        household=household,
        relationship=relationship,
        joined_on=joined_on,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        nino=nino,
        sex=sex,
    )
    today = timezone.localdate()
    if same_as is not None:
        person_link_record(
            person=person, other=same_as, kind=PersonLink.Kind.SAME, recorded_by=user, on=today
        )
    elif matches:
        for match in matches:
            person_link_record(
                person=person,
                other=match.person,
                kind=PersonLink.Kind.DISTINCT,
                recorded_by=user,
                on=today,
                reason="Confirmed as a different person when the record was added",
            )
    return person, matches


@transaction.atomic
def person_link_record(
    *, person: Person, other: Person, kind: str, recorded_by: User | None, on: date, reason: str = ""
) -> PersonLink:
    """Record that two person records are the same person (linked, never merged) or different people."""
    if person.pk == other.pk:
        raise ValidationError({"other": "A record cannot be linked to itself."})
    first, second = sorted((person, other), key=lambda p: p.pk)
    current = PersonLink.objects.current().filter(person=first, other=second).first()
    if current is not None:
        raise ValidationError(
            {
                "other": f"{first} and {second} are already recorded as {current.get_kind_display().lower()}; "
                "undo that first."
            }
        )
    return records.create(
        PersonLink(
            person=first,
            other=second,
            kind=kind,
            reason=reason.strip(),
            recorded_on=on,
            recorded_by=recorded_by,
        )
    )


@transaction.atomic
def person_link_undo(*, link: PersonLink, undone_by: User | None, on: date, reason: str) -> PersonLink:
    """Undo a link: its row stays, with who undid it, when and why; neither record was ever changed."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"undo_reason": "Say why the link is undone."})
    link = PersonLink.objects.select_for_update().get(pk=link.pk)
    if link.undone_on is not None:
        raise ValidationError({"undone_on": f"This link was already undone on {link.undone_on:%-d %B %Y}."})
    link.undone_on = on
    link.undone_by = undone_by
    link.undo_reason = reason
    link.full_clean()
    link.save(update_fields=["undone_on", "undone_by", "undo_reason"])
    return link

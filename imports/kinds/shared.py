"""What the kinds share: the user they write for, finding wards, homes and households by the keys a file
gives, and writing a row: create the record it names, or update the fields that differ (`upsert`)."""

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import Enum
from typing import Any, Protocol, TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet

from households.models import Household, Property
from taskforce.org import scoping
from taskforce.org.models import Area
from taskforce.org.validators import validate_uprn

from ..core import Problem, RowError
from ..fields import as_row_error

Counts = tuple[int, int, int]
M = TypeVar("M", bound=Model)


class Row(Protocol):
    line: int


R = TypeVar("R", bound=Row)


class Kind:
    """What every kind shares: the user it writes for, and no cross-row checks unless it adds some."""

    name = ""
    columns: Sequence[str] = ()

    def __init__(self, *, user: User | None = None) -> None:
        self.user = user

    def check_together(self, parsed: list[tuple[int, Any]]) -> list[Problem]:
        return []


def visible(queryset: QuerySet[M], user: User | None) -> QuerySet[M]:
    """Records the importing user may see (all of them for the command line, which runs as no one)."""
    return queryset if user is None else queryset.visible_to(user)  # type: ignore[attr-defined]


def addressable(queryset: QuerySet[M], user: User | None) -> QuerySet[M]:
    """Records the importing user may name in a row (all of them for the command line)."""
    return queryset if user is None else queryset.addressable_by(user)  # type: ignore[attr-defined]


def wards_for(user: User | None = None) -> dict[str, Area]:
    """Wards by GSS code: for a user, the wards they work in."""
    wards = Area.objects.filter(type=Area.Type.WARD).order_by("vintage")
    if user is not None:
        profile = scoping.profile_of(user)
        wards = wards.filter(staff=profile) if profile else wards.none()
    return {a.gss_code: a for a in wards}


def find_ward(wards: Mapping[str, Area], text: str, column: str = "ward") -> Area:
    if not text:
        raise RowError(column, "required: the ward's GSS code, e.g. E05005088")
    found = wards.get(text.upper())
    if found is None:
        raise RowError(
            column, "unknown area: expected the GSS code of a ward you work in, e.g. E05005088", text
        )
    return found


def parse_uprn(text: str, column: str = "uprn") -> int:
    if not text:
        raise RowError(column, "required")
    try:
        validate_uprn(text)
    except ValidationError as exc:
        raise RowError(column, exc.messages[0], text) from exc
    return int(text)


def households_for(user: User | None) -> dict[str, Household]:
    return {h.case_reference: h for h in visible(Household.objects.all(), user)}


def find_household(households: Mapping[str, Household], text: str) -> Household:
    if not text:
        raise RowError("case_reference", "required")
    household = households.get(text.upper())
    if household is None:
        raise RowError(
            "case_reference",
            "unknown household (or one outside your scope): import it as households first",
            text,
        )
    return household


def properties_for(user: User | None) -> dict[int, Property]:
    return {p.uprn: p for p in addressable(Property.objects.exclude(uprn=None), user)}


def find_property(properties: Mapping[int, Property], text: str) -> Property:
    found = properties.get(parse_uprn(text))
    if found is None:
        raise RowError(
            "uprn", "no property (that you may see) has this UPRN: import it as properties first", text
        )
    return found


class Outcome(Enum):
    """What writing one row did."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def changed(instance: Model, values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if getattr(instance, k) != v}


def upsert(
    current: M | None,
    fields: Mapping[str, Any],
    *,
    create: Callable[[], M],
    update: Callable[[M, dict[str, Any]], object],
) -> tuple[M, Outcome]:
    """The record a row names, created when `current` (found by the kind's natural key) is None, else
    updated with those of `fields` whose values differ from the record's, and what was done."""
    if current is None:
        return create(), Outcome.CREATED
    if changes := changed(current, fields):
        update(current, changes)
        return current, Outcome.UPDATED
    return current, Outcome.UNCHANGED


def write_rows(rows: Iterable[R], write_row: Callable[[R], Outcome], *, column: str) -> Counts:
    """Write each row in turn; return (created, updated, unchanged). A model rule broken while writing is
    reported on the row, in `column` when the rule names no field of its own."""
    counts: Counter[Outcome] = Counter()
    for row in rows:
        try:
            counts[write_row(row)] += 1
        except ValidationError as exc:
            raise as_row_error(exc, line=row.line, row_column=column) from exc
    return counts[Outcome.CREATED], counts[Outcome.UPDATED], counts[Outcome.UNCHANGED]

"""Reads for the household pages that cross apps: the identity bar's flags, the household's timeline and the
change history of its records.

Every read goes through the models' scope: `of_household(household, user)` is `visible_to(user)` narrowed
to one household. The caller has already found the household among the user's visible ones, so these never
widen the scope, they only keep it.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Prefetch
from django.utils import dateformat, timezone
from django.utils.text import Truncator, capfirst
from simple_history.utils import get_m2m_reverse_field_name

from households.models import (
    DataSharingBasis,
    HazardFinding,
    Household,
    Membership,
    Person,
    Placement,
    Residence,
)
from interventions.models import Intervention, Referral, Service
from taskforce.org.models import StaffProfile
from taskforce.org.scoping import User

from .models import Assessment, CaseNote, CasePlan, Goal, Review

# A basis that ends within this many days is flagged, so it can be renewed before the case goes dark.
EXPIRY_WARNING_DAYS = 30


@dataclass(frozen=True)
class Flags:
    placed: bool
    hmo: bool
    category_1_hazard: bool
    consent_expires_on: date | None


@dataclass(frozen=True)
class Event:
    on: date
    title: str
    detail: str = ""
    kind: str = ""
    # Who wrote it, for events that have an author (case notes); the timeline filters on it.
    author_id: int | None = None


@dataclass
class HouseholdRecords:
    """Everything the household pages show, read once per page."""

    household: Household
    members: list[Membership]
    residences: list[Residence]
    placements: list[Placement]
    bases: list[DataSharingBasis]
    interventions: list[Intervention]
    referrals: list[Referral]
    # Case work records, read only by the sections that show them (casework.sections.add_casework).
    notes: list[CaseNote] = dataclass_field(default_factory=list)
    assessments: list[Assessment] = dataclass_field(default_factory=list)
    plans: list[CasePlan] = dataclass_field(default_factory=list)

    @property
    def current_members(self) -> list[Membership]:
        return [m for m in self.members if m.left_on is None]

    @property
    def head(self) -> Membership | None:
        current = self.current_members
        heads = [m for m in current if m.relationship == Membership.Relationship.HEAD]
        return next(iter(heads or current), None)

    @property
    def current_home(self) -> Residence | None:
        return next((r for r in self.residences if r.moved_out is None), None)


def household_records(*, household: Household, user: User) -> HouseholdRecords:
    """The household's members, homes, placements, sharing bases, interventions and referrals.

    Six reads share one scope: the household, if `user` may see it (`Household.objects.visible_to`), built
    once; the same rows as each model's `of_household(household, user)`, for a sixth of the work.
    """
    scope = Household.objects.visible_to(user).filter(pk=household.pk).values("pk")
    members = list(
        Membership.objects.filter(household__in=scope)
        .select_related("person")
        .order_by("left_on", "joined_on", "pk")
    )
    residences = list(
        Residence.objects.filter(household__in=scope).select_related("property").order_by("-moved_in", "-pk")
    )
    placements = list(
        Placement.objects.filter(household__in=scope)
        .select_related("placing_authority", "type", "accommodation")
        .order_by("-placed_on", "-pk")
    )
    bases = list(
        DataSharingBasis.objects.filter(household__in=scope)
        .prefetch_related(Prefetch("agencies"))
        .order_by("-starts_on", "-pk")
    )
    interventions = list(
        Intervention.objects.filter(household__in=scope)
        .select_related("service__agency", "service__category", "person", "worker__user")
        .order_by("-referred_on", "-pk")
    )
    referrals = list(
        Referral.objects.filter(household__in=scope)
        .select_related("from_agency", "to_agency", "person")
        .order_by("-sent_on", "-pk")
    )
    return HouseholdRecords(household, members, residences, placements, bases, interventions, referrals)


def household_flags(*, records: HouseholdRecords, today: date) -> Flags:
    """Placed now, living in an HMO, an open Category 1 hazard at the current home, consent running out.

    The hazard flag is a yes/no fact about the home, shown to caseworkers who may not read hazard records:
    a Category 1 hazard is a risk to the household they work with.
    """
    home = records.current_home
    hazard = bool(
        home
        and HazardFinding.objects.filter(inspection__property=home.property_id)
        .category_1()
        .open_on(today)
        .exists()
    )
    soon = today + timedelta(days=EXPIRY_WARNING_DAYS)
    expiring = [
        basis.expires_on
        for basis in records.bases
        if basis.basis == DataSharingBasis.LawfulBasis.CONSENT
        and basis.is_in_force(today)
        and basis.expires_on is not None
        and basis.expires_on <= soon
    ]
    return Flags(
        placed=any(
            p.placed_on <= today and (p.ended_on is None or p.ended_on > today) for p in records.placements
        ),
        hmo=bool(home and home.property.is_hmo),
        category_1_hazard=hazard,
        consent_expires_on=min(expiring) if expiring else None,
    )


def household_timeline(*, records: HouseholdRecords) -> list[Event]:
    """Everything that happened to the household, newest first."""
    h = records.household
    events = [Event(h.opened_on, "Case opened", f"{h.ward.name} ward", "case")]
    if h.closed_on:
        events.append(Event(h.closed_on, "Case closed", "", "case"))
    for m in records.members:
        events.append(Event(m.joined_on, f"{m.person} joined", m.get_relationship_display(), "member"))
        if m.left_on:
            events.append(Event(m.left_on, f"{m.person} left", "", "member"))
    for r in records.residences:
        events.append(Event(r.moved_in, "Moved in", str(r.property), "home"))
        if r.moved_out:
            events.append(Event(r.moved_out, "Moved out", str(r.property), "home"))
    for p in records.placements:
        events.append(Event(p.placed_on, f"Placed by {p.placing_authority}", str(p.type), "placement"))
        if p.notification_received_on:
            met = p.deadline_met()
            verdict = "" if met is None else (" (in time)" if met else " (late)")
            events.append(
                Event(
                    p.notification_received_on, f"Placement notification received{verdict}", "", "placement"
                )
            )
        if p.ended_on:
            events.append(Event(p.ended_on, "Placement ended", str(p.placing_authority), "placement"))
    for b in records.bases:
        agencies = ", ".join(a.name for a in b.agencies.all())
        events.append(Event(b.starts_on, f"Data sharing: {b.get_basis_display()}", agencies, "sharing"))
        if b.withdrawn_on:
            events.append(
                Event(b.withdrawn_on, "Data-sharing basis withdrawn", b.get_basis_display(), "sharing")
            )
        elif b.expires_on:
            events.append(Event(b.expires_on, "Data-sharing basis expires", b.get_basis_display(), "sharing"))
    for i in records.interventions:
        who = f" for {i.person}" if i.person else ""
        events.append(
            Event(i.referred_on, f"Referred to {i.service.name}{who}", str(i.service.agency), "intervention")
        )
        if i.started_on:
            events.append(Event(i.started_on, f"Started {i.service.name}", "", "intervention"))
        if i.ended_on:
            outcome = i.get_outcome_display() if i.outcome else i.get_status_display()
            events.append(Event(i.ended_on, f"Ended {i.service.name}", outcome, "intervention"))
    for ref in records.referrals:
        events.append(Event(ref.sent_on, f"Referral to {ref.to_agency}", ref.reason, "referral"))
        if ref.responded_on:
            events.append(
                Event(
                    ref.responded_on,
                    f"Referral {ref.get_status_display().lower()}",
                    str(ref.to_agency),
                    "referral",
                )
            )
    return sorted(events, key=lambda e: e.on, reverse=True)


def people_of(records: HouseholdRecords) -> list[int]:
    """Ids of everyone who is or was a member: the people a household page exposes."""
    return sorted({m.person_id for m in records.members})


def summary(records: HouseholdRecords) -> dict[str, Any]:
    return {
        "open_interventions": sum(1 for i in records.interventions if i.status in {"referred", "active"}),
        "open_referrals": sum(1 for r in records.referrals if r.status in {"sent", "accepted"}),
    }


# The change history of a household's records, for the History page.

ROUTES = {"web": "Web", "api": "API", "import": "Import", "admin": "Admin"}
EMPTY = "none"
# Case notes can run to pages: the table shows their start, the intervention itself shows them in full.
TEXT_SHOWN = 200
# Related records named by more than their str(): the name needs a joined row, read with them.
NAMED_WITH = {StaffProfile: ("user",), Service: ("agency",)}


@dataclass(frozen=True)
class Change:
    """One recorded change to one of a household's records: when, who, through which route, which record,
    and what changed."""

    at: datetime  # in Europe/London
    who: str  # the staff member's full name, or "System" when no user made it
    route: str  # "web", "api", "import", "admin"; "" when the change recorded none
    record: str  # "Household", "Membership: Alex Example", "Intervention: Housing options", ...
    what: tuple[str, ...]  # ("Created",), ("Deleted",) or one "Field: old → new" per changed field
    person_ids: frozenset[int] = frozenset()  # the people whose data the row shows

    @property
    def route_label(self) -> str:
        return ROUTES.get(self.route, self.route) or "Not recorded"


class Changes(list[Change]):
    """The newest changes, at most the limit asked for; `total` counts every recorded change."""

    def __init__(self, changes: Iterable[Change], *, total: int) -> None:
        super().__init__(changes)
        self.total = total

    @property
    def not_shown(self) -> int:
        return self.total - len(self)


@dataclass(frozen=True)
class _Diff:
    """A change before its foreign keys are named: raw old and new values per changed field."""

    row: Any  # the historical row
    record: str
    fields: tuple[tuple[models.Field, Any, Any], ...]
    person_ids: frozenset[int]
    sort_key: tuple[datetime, int, int]


def _history_sources(records: HouseholdRecords) -> list[tuple[type[models.Model], dict[int, str]]]:
    """Each model with history among the household's records, with the ids in `records` and their labels."""
    return [
        (Household, {records.household.pk: "Household"}),
        (Membership, {m.pk: f"Membership: {m.person}" for m in records.members}),
        (Person, {m.person_id: f"Person: {m.person}" for m in records.members}),
        (Residence, {r.pk: f"Home: {r.property}" for r in records.residences}),
        (
            Placement,
            {p.pk: f"Placement: {p.placing_authority}, {_day(p.placed_on)}" for p in records.placements},
        ),
        (DataSharingBasis, {b.pk: f"Data-sharing basis: {b.get_basis_display()}" for b in records.bases}),
        (Intervention, {i.pk: f"Intervention: {i.service.name}" for i in records.interventions}),
        (Referral, {r.pk: f"Referral: to {r.to_agency}" for r in records.referrals}),
        (CaseNote, {n.pk: f"Case note: {n.get_kind_display()}, {_day(n.contact_on)}" for n in records.notes}),
        (Assessment, {a.pk: f"Assessment: {_day(a.assessed_on)}" for a in records.assessments}),
        (CasePlan, {p.pk: f"Case plan: agreed {_day(p.agreed_on)}" for p in records.plans}),
        (Goal, {g.pk: f"Goal: {g.description}" for p in records.plans for g in p.goals.all()}),
        (Review, {r.pk: f"Review: {_day(r.reviewed_on)}" for p in records.plans for r in p.reviews.all()}),
    ]


def _day(day: date) -> str:
    return dateformat.format(day, "j M Y")


def _m2m_snapshots(
    history: type[models.Model], ids: list[int]
) -> dict[models.Field, dict[int, frozenset[int]]]:
    """Per many-to-many field, the related ids each historical row recorded, in one query per field."""
    snapshots: dict[models.Field, dict[int, frozenset[int]]] = {}
    for field in getattr(history, "_history_m2m_fields", []):
        through = getattr(history, field.name).model
        target = get_m2m_reverse_field_name(field)
        found: dict[int, set[int]] = defaultdict(set)
        rows = through.objects.filter(history__id__in=ids).values_list("history_id", f"{target}_id")
        for history_id, target_id in rows:
            found[history_id].add(target_id)
        snapshots[field] = {history_id: frozenset(targets) for history_id, targets in found.items()}
    return snapshots


def _diffs(model: type[models.Model], labels: dict[int, str], position: int) -> list[_Diff]:
    """The changes to these rows of `model`: its history rows in one query, each compared with the one
    before it for the same row."""
    history = model.history.model  # type: ignore[attr-defined]
    rows = list(
        history.objects.filter(id__in=list(labels))
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    m2m = _m2m_snapshots(history, list(labels))
    fields = [f for f in history.tracked_fields if f.editable and not f.primary_key]
    previous: Any = None
    diffs = []
    for row in rows:
        before = previous if previous is not None and previous.id == row.id else None
        previous = row
        changed: list[tuple[models.Field, Any, Any]] = []
        if row.history_type == "~" and before is not None:
            changed = [
                (f, getattr(before, f.attname), getattr(row, f.attname))
                for f in fields
                if getattr(before, f.attname) != getattr(row, f.attname)
            ]
            for f, snapshot in m2m.items():
                old = snapshot.get(before.history_id, frozenset())
                new = snapshot.get(row.history_id, frozenset())
                if old != new:
                    changed.append((f, old, new))
            if not changed:
                continue  # saved without a change
        people = {row.id} if model is Person else set()
        if getattr(row, "person_id", None) is not None:
            people.add(row.person_id)
        diffs.append(
            _Diff(
                row=row,
                record=labels[row.id],
                fields=tuple(changed),
                person_ids=frozenset(people),
                sort_key=(row.history_date, position, row.history_id),
            )
        )
    return diffs


def _related(field: models.Field) -> type[models.Model]:
    return cast(type[models.Model], field.related_model)


def _name(obj: models.Model) -> str:
    user = obj.user if isinstance(obj, StaffProfile) else obj
    if isinstance(user, get_user_model()):
        return user.get_full_name() or user.get_username()
    return str(obj)


def _names(wanted: dict[type[models.Model], set[int]]) -> dict[tuple[type[models.Model], int], str]:
    """The names of the related records the changes point to: one query per related model."""
    names = {}
    for model, ids in wanted.items():
        queryset = model._base_manager.filter(pk__in=ids).select_related(*NAMED_WITH.get(model, ()))
        names.update({(model, obj.pk): _name(obj) for obj in queryset})
    return names


def _shown(field: models.Field, value: Any, names: dict[tuple[type[models.Model], int], str]) -> str:
    """A field's value as the page shows it: choices by label, related records by name, dates as dates."""
    if field.many_to_many:
        shown = sorted(names.get((_related(field), pk), "a removed record") for pk in value)
        return ", ".join(shown) or EMPTY
    if value is None or value == "":
        return EMPTY
    if field.many_to_one:
        return names.get((_related(field), value), "a removed record")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return dateformat.format(timezone.localtime(value), "j M Y H:i")
    if isinstance(value, date):
        return _day(value)
    if isinstance(value, Decimal):
        return f"{value:,}"
    if isinstance(field, models.TextField):
        return Truncator(value).chars(TEXT_SHOWN)
    return str(value)


def household_changes(*, records: HouseholdRecords, limit: int = 200) -> Changes:
    """Every recorded change to the household's records, newest first, at most `limit` of them.

    The records are those in `records`, so the scope is the page's: the household, its memberships and its
    members' person records, homes, placements, data-sharing bases, interventions and referrals. Changes are
    worked out here from consecutive history rows of the same record, read in one query per model (and one
    per many-to-many field); the related records they name are read in one query per related model.
    """
    if limit < 0:
        raise ValueError("limit: the number of changes to show cannot be negative.")
    diffs = [
        diff
        for position, (model, labels) in enumerate(_history_sources(records))
        if labels
        for diff in _diffs(model, labels, position)
    ]
    diffs.sort(key=lambda d: d.sort_key, reverse=True)
    shown = diffs[:limit]
    wanted: dict[type[models.Model], set[int]] = defaultdict(set)
    for diff in shown:
        for field, old, new in diff.fields:
            if field.many_to_many:
                wanted[_related(field)].update(old | new)
            elif field.many_to_one:
                wanted[_related(field)].update(v for v in (old, new) if v is not None)
    names = _names(wanted)
    changes = []
    for diff in shown:
        row = diff.row
        if diff.fields:
            what = tuple(
                f"{capfirst(field.verbose_name)}: {_shown(field, old, names)} → {_shown(field, new, names)}"
                for field, old, new in diff.fields
            )
        else:
            what = (
                {"+": "Created", "-": "Deleted"}.get(row.history_type)
                or "Changed (no earlier version recorded)",
            )
        people = set(diff.person_ids)
        for field, old, new in diff.fields:
            if field.many_to_one and field.related_model is Person:
                people.update(v for v in (old, new) if v is not None)
        changes.append(
            Change(
                at=timezone.localtime(row.history_date),
                who=_name(row.history_user) if row.history_user else "System",
                route=row.history_change_reason or "",
                record=diff.record,
                what=what,
                person_ids=frozenset(people),
            )
        )
    return Changes(changes, total=len(diffs))

"""Reads for the household pages that cross apps: the identity bar's flags and the household's timeline.

Every read goes through the models' scope: `of_household(household, user)` is `visible_to(user)` narrowed
to one household. The caller has already found the household among the user's visible ones, so these never
widen the scope, they only keep it.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Prefetch

from interventions.models import Intervention, Referral
from taskforce.scoping import User

from .models import DataSharingBasis, HazardFinding, Household, Membership, Placement, Residence

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

    @property
    def current_members(self) -> list[Membership]:
        return [m for m in self.members if m.left_on is None]

    @property
    def head(self) -> Membership | None:
        current = self.current_members
        heads = [m for m in current if m.relationship == Membership.Relationship.HEAD]
        return (heads or current or [None])[0]

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

"""What a subject access request gathers: every record of the person, followed through the links that say
two records are the same person, and every table holding data about them or their households."""

from datetime import date

import pytest

from casework.models import SustainCheck
from households.models import PersonLink
from privacy import services
from privacy.subject_access import everything_about, same_person_records
from taskforce.org.models import AccessLog, StaffProfile
from tests.casework.factories import (
    CaseNoteFactory,
    GoalFactory,
    PlanActionFactory,
    ReviewFactory,
    TaskFactory,
)
from tests.factories import (
    BenefitRecordFactory,
    DataSharingBasisFactory,
    MembershipFactory,
    PersonFactory,
    agency,
)

pytestmark = pytest.mark.django_db


def link(first: object, second: object, kind: str = PersonLink.Kind.SAME, **fields: object) -> PersonLink:
    low, high = sorted([first, second], key=lambda p: p.pk)  # type: ignore[attr-defined]
    return PersonLink.objects.create(
        person=low, other=high, kind=kind, recorded_on=date(2026, 5, 1), reason="Checked", **fields
    )


def test_links_that_say_the_same_person_are_followed_from_record_to_record() -> None:
    a, b, c, different, undone = (PersonFactory() for _ in range(5))
    link(a, b)
    link(b, c)  # reached only through b
    link(a, different, PersonLink.Kind.DISTINCT)
    link(c, undone, undone_on=date(2026, 5, 2))
    assert same_person_records(a) == sorted([a.pk, b.pk, c.pk])
    assert same_person_records(c) == sorted([a.pk, b.pk, c.pk])
    assert same_person_records(different) == [different.pk]


def test_everything_held_about_the_person_and_their_other_records_is_gathered() -> None:
    member = MembershipFactory()
    other_record = MembershipFactory()  # the same person, recorded in another household
    stranger = MembershipFactory()  # found to be someone else
    same = link(member.person, other_record.person)
    different = link(member.person, stranger.person, PersonLink.Kind.DISTINCT)
    household = member.household
    BenefitRecordFactory(person=other_record.person)
    BenefitRecordFactory(person=stranger.person)
    DataSharingBasisFactory(household=household, agencies=[agency("jcp"), agency("tdc")])
    note = CaseNoteFactory(household=other_record.household, text="Visited at the second address.")
    CaseNoteFactory(household=stranger.household, text="Not about them.")
    goal = GoalFactory(plan__assessment__household=household, plan__household=household)
    PlanActionFactory(goal=goal)
    ReviewFactory(plan=goal.plan)
    SustainCheck.objects.create(goal=goal, months=6, checked_on=date(2026, 9, 9), sustained=True)
    TaskFactory(household=household, title="Call the school")

    tables = everything_about(member.person)

    assert [row["id"] for row in tables["person"]] == sorted([member.person_id, other_record.person_id])
    assert sorted(row["household"] for row in tables["memberships"]) == sorted(
        [household.pk, other_record.household_id]
    )
    assert [row["id"] for row in tables["person_links"]] == [same.pk, different.pk]
    assert [row["person"] for row in tables["benefit_records"]] == [other_record.person_id]
    assert [row["text"] for row in tables["case_notes"]] == [note.text]
    (basis,) = tables["data_sharing_bases"]
    assert basis["agencies"] == "; ".join(sorted([str(agency("jcp")), str(agency("tdc"))]))
    assert tables["assessments"][0]["needs"]  # the headline outcomes it found a need for, by name
    assert [len(tables[t]) for t in ("case_plans", "plan_goals", "plan_actions", "plan_reviews")] == [
        1,
        1,
        1,
        1,
    ]
    assert [row["sustained"] for row in tables["sustain_checks"]] == [True]
    assert [row["title"] for row in tables["tasks"]] == ["Call the school"]
    # Nothing of the person found to be someone else.
    assert stranger.person_id not in {row["id"] for row in tables["person"]}
    assert stranger.household_id not in {row["id"] for row in tables["households"]}


def test_gathering_logs_the_read_of_every_record_gathered(data_protection_officer: StaffProfile) -> None:
    member = MembershipFactory()
    other_record = MembershipFactory()
    link(member.person, other_record.person)
    user = data_protection_officer.user
    sar = services.sar_receive(
        user=user,
        requester="A. Requester",
        received_on=date(2026, 6, 1),
        person=member.person,
        identity_checked=True,
        identity_evidence="Passport",
    )
    services.sar_gather(user=user, sar=sar, client_address=None)
    read = AccessLog.objects.get(action=AccessLog.Action.SUBJECT_ACCESS)
    assert sorted(s.person_id for s in read.subjects.all()) == sorted(
        [member.person_id, other_record.person_id]
    )
    assert {item.table for item in sar.items.all()} >= {"person", "person_links", "memberships", "households"}

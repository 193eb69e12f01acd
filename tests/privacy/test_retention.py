"""Retention: erasure and anonymisation of a closed case past its period, proposed then approved, all or
nothing."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from casework.models import Assessment, CaseNote, CasePlan, Goal, PlanAction, Review, SustainCheck, Task
from households.models import Household, Membership, Person, PersonLink
from interventions.models import Intervention
from outcomes.models import BenefitRecord
from privacy import retention, services
from privacy.models import RetentionAction
from taskforce.org.models import StaffProfile
from tests.casework.factories import (
    CaseNoteFactory,
    GoalFactory,
    PlanActionFactory,
    ReviewFactory,
    TaskFactory,
)
from tests.factories import (
    BenefitRecordFactory,
    BreakGlassGrantFactory,
    HouseholdFactory,
    InterventionFactory,
    MembershipFactory,
    PersonFactory,
    ResidenceFactory,
    StaffProfileFactory,
    UserFactory,
)


@pytest.fixture
def closed_case(db: None) -> Household:
    household = HouseholdFactory(status="closed", closed_on=date(2015, 3, 1))
    person = PersonFactory(
        given_name="Sam", family_name="Named", nino="AB123456C", date_of_birth=date(1981, 4, 9)
    )
    MembershipFactory(household=household, person=person)
    ResidenceFactory(household=household)
    InterventionFactory(household=household, person=person, notes="Spoke to Sam about debts", cost=120)
    BenefitRecordFactory(person=person)
    return household


def _propose(user: object, household: Household, method: str) -> RetentionAction:
    return services.retention_propose(user=user, household=household, method=method, reason="Past six years")  # type: ignore[arg-type]


def test_a_case_not_past_retention_cannot_be_proposed(data_protection_officer: StaffProfile) -> None:
    recent = HouseholdFactory(status="closed", closed_on=date(2021, 1, 1))
    with pytest.raises(ValidationError, match="not past its retention period"):
        _propose(data_protection_officer.user, recent, "erase")


def test_anonymisation_keeps_the_statistics_and_drops_the_names(
    closed_case: Household, data_protection_officer: StaffProfile
) -> None:
    dpo = data_protection_officer.user
    action = _propose(dpo, closed_case, "anonymise")
    with pytest.raises(ValidationError, match="Type the case reference"):
        services.retention_approve(user=dpo, action=action, confirmation="MTF-999999")
    services.retention_approve(user=dpo, action=action, confirmation=closed_case.case_reference.lower())
    person = Person.objects.get()
    assert (person.given_name, person.nino, person.date_of_birth, person.sex) == (
        "Anonymised",
        None,
        date(1981, 7, 1),
        "",
    )
    intervention = Intervention.objects.get()
    assert (intervention.notes, intervention.cost) == ("", 120)
    assert BenefitRecord.objects.count() == 1
    assert Household.objects.filter(
        pk=closed_case.pk, ward__isnull=False, closed_on=date(2015, 3, 1)
    ).exists()
    # No change history still holds the name.
    assert not Person.history.filter(family_name="Named").exists()
    assert not Intervention.history.exclude(notes="").exists()
    action.refresh_from_db()
    assert (action.status, action.summary["people anonymised"]) == ("done", 1)
    # Done once: the case leaves the list of cases to review.
    assert not retention.due_for_review(date(2026, 6, 15)).filter(pk=closed_case.pk).exists()
    with pytest.raises(ValidationError, match="not past its retention period"):
        _propose(dpo, closed_case, "erase")


def test_erasure_removes_the_case_its_people_and_their_history(
    closed_case: Household, data_protection_officer: StaffProfile
) -> None:
    dpo = data_protection_officer.user
    elsewhere = PersonFactory(family_name="Stays")
    MembershipFactory(household=closed_case, person=elsewhere)
    MembershipFactory(person=elsewhere)  # on another, open case
    action = _propose(dpo, closed_case, "erase")
    services.retention_approve(user=dpo, action=action, confirmation=closed_case.case_reference)
    assert not Household.objects.filter(pk=closed_case.pk).exists()
    assert list(Person.objects.values_list("family_name", flat=True)) == ["Stays"]
    assert BenefitRecord.objects.count() == 0
    assert not Person.history.filter(family_name="Named").exists()
    assert not Household.history.filter(id=closed_case.pk).exists()
    action.refresh_from_db()
    assert (action.status, action.household_id, action.case_reference) == (
        "done",
        None,
        closed_case.case_reference,
    )


def test_a_failure_midway_writes_nothing(
    closed_case: Household, data_protection_officer: StaffProfile, monkeypatch: pytest.MonkeyPatch
) -> None:
    dpo = data_protection_officer.user
    action = _propose(dpo, closed_case, "erase")
    real = retention._history_of
    calls = []

    def failing(model: type, ids: list[int]) -> int:
        calls.append(model)
        if len(calls) == 5:  # after every delete and four tables' history went
            raise RuntimeError("disk full")
        return real(model, ids)

    monkeypatch.setattr(retention, "_history_of", failing)
    counts = (
        Household.objects.count(),
        Person.objects.count(),
        BenefitRecord.objects.count(),
        Membership.objects.count(),
        Intervention.objects.count(),
        Person.history.count(),
    )
    with pytest.raises(RuntimeError):
        services.retention_approve(user=dpo, action=action, confirmation=closed_case.case_reference)
    assert counts == (
        Household.objects.count(),
        Person.objects.count(),
        BenefitRecord.objects.count(),
        Membership.objects.count(),
        Intervention.objects.count(),
        Person.history.count(),
    )
    action.refresh_from_db()
    assert action.status == "proposed"


def test_a_case_opened_by_break_glass_is_anonymised_not_erased(
    closed_case: Household, data_protection_officer: StaffProfile, ward_manager: StaffProfile
) -> None:
    BreakGlassGrantFactory(user=ward_manager.user, household=closed_case)
    action = _propose(data_protection_officer.user, closed_case, "erase")
    with pytest.raises(ValidationError, match="anonymise it"):
        services.retention_approve(
            user=data_protection_officer.user, action=action, confirmation=closed_case.case_reference
        )
    assert Household.objects.filter(pk=closed_case.pk).exists()


def test_with_a_second_dpo_the_proposer_cannot_approve(
    closed_case: Household, data_protection_officer: StaffProfile
) -> None:
    second = StaffProfileFactory(user=UserFactory(username="dee"), role="dpo", wards=[])
    action = _propose(data_protection_officer.user, closed_case, "anonymise")
    with pytest.raises(ValidationError, match="Another data protection officer"):
        services.retention_approve(
            user=data_protection_officer.user, action=action, confirmation=closed_case.case_reference
        )
    services.retention_approve(user=second.user, action=action, confirmation=closed_case.case_reference)
    action.refresh_from_db()
    assert action.approved_by == second.user


def test_erasure_through_the_pages(closed_case: Household, data_protection_officer: StaffProfile) -> None:
    client = Client()
    client.force_login(data_protection_officer.user)
    assert closed_case.case_reference in client.get("/privacy/retention/").content.decode()
    response = client.post(
        f"/privacy/retention/{closed_case.pk}/propose/", {"method": "erase", "reason": "Past the six years"}
    )
    action = RetentionAction.objects.get()
    assert response["Location"] == f"/privacy/retention/actions/{action.pk}/"
    page = client.post(response["Location"], {"confirmation": "MTF-000000"}).content.decode()
    assert "Type the case reference" in page
    client.post(response["Location"], {"confirmation": closed_case.case_reference})
    assert not Household.objects.filter(pk=closed_case.pk).exists()
    assert "Carried out" in client.get(response["Location"]).content.decode()


def _case_work(household: Household) -> dict[str, object]:
    """Case work on the closed case, each free text naming the person, and a link between their records."""
    person = household.memberships.get().person
    goal = GoalFactory(
        plan__assessment__household=household,
        plan__assessment__summary="Sam Named: arrears",
        plan__household=household,
        description="Sam Named keeps the tenancy",
        status="achieved",
        achieved_on=date(2014, 6, 1),
    )
    return {
        "note": CaseNoteFactory(household=household, text="Visited Sam Named at home"),
        "task": TaskFactory(household=household, title="Call Sam Named"),
        "goal": goal,
        "action": PlanActionFactory(goal=goal, description="Sam Named to see the landlord"),
        "review": ReviewFactory(plan=goal.plan, summary="Sam Named on track"),
        "check": SustainCheck.objects.create(
            goal=goal, months=6, checked_on=date(2015, 9, 1), sustained=True, note="Sam Named still there"
        ),
        "link": PersonLink.objects.create(
            person=person,
            other=PersonFactory(family_name="Elsewhere"),
            kind=PersonLink.Kind.DISTINCT,
            reason="Sam Named has a brother",
            recorded_on=date(2014, 1, 1),
        ),
    }


CASE_WORK = (CaseNote, Task, Assessment, CasePlan, Goal, PlanAction, Review, SustainCheck)


def test_erasure_removes_the_case_work_and_its_history(
    closed_case: Household, data_protection_officer: StaffProfile
) -> None:
    made = _case_work(closed_case)
    dpo = data_protection_officer.user
    action = _propose(dpo, closed_case, "erase")
    services.retention_approve(user=dpo, action=action, confirmation=closed_case.case_reference)
    assert [model.objects.count() for model in CASE_WORK] == [0] * len(CASE_WORK)
    assert [model.history.count() for model in CASE_WORK] == [0] * len(CASE_WORK)
    assert not PersonLink.objects.exists()
    assert not PersonLink.history.exists()
    assert Person.objects.filter(pk=made["link"].other_id).exists()  # the other record is not this case's
    action.refresh_from_db()
    assert action.summary["case notes"] == 1


def test_anonymisation_removes_the_case_works_free_text_and_keeps_its_outcomes(
    closed_case: Household, data_protection_officer: StaffProfile
) -> None:
    made = _case_work(closed_case)
    dpo = data_protection_officer.user
    action = _propose(dpo, closed_case, "anonymise")
    services.retention_approve(user=dpo, action=action, confirmation=closed_case.case_reference)
    assert (CaseNote.objects.count(), Task.objects.count()) == (0, 0)
    goal = Goal.objects.get()
    assert (goal.description, goal.status, goal.achieved_on) == ("Anonymised", "achieved", date(2014, 6, 1))
    assert goal.outcome == made["goal"].outcome
    assert Assessment.objects.get().summary == "Anonymised"
    assert Review.objects.get().summary == "Anonymised"
    assert PlanAction.objects.get().description == "Anonymised"
    check = SustainCheck.objects.get()
    assert (check.note, check.sustained) == ("", True)
    assert PersonLink.objects.get().reason == ""
    # Nothing anywhere still holds the name, live or in the change history.
    for model in (*CASE_WORK, PersonLink):
        for table in (model.objects, model.history):
            for row in table.values():
                assert not any("Sam Named" in str(value) for value in row.values()), (model, row)
    action.refresh_from_db()
    # The case note, and the intervention's notes the case already had.
    assert (action.summary["case notes removed"], action.summary["tasks removed"]) == (2, 1)

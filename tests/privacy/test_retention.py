"""Retention: erasure and anonymisation of a closed case past its period, proposed then approved, all or
nothing."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from households.models import Household, Membership, Person
from interventions.models import Intervention
from outcomes.models import BenefitRecord
from privacy import retention, services
from privacy.models import RetentionAction
from taskforce.org.models import StaffProfile
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

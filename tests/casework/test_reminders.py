"""The daily job raises tasks from the data's own dates, once each, and e-mails each person a digest."""

from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from casework.models import Goal, SustainCheck, Task
from casework.reminders import add_months, tasks_raise, tasks_resolve
from households.models import Household, Placement, PlacementType
from taskforce.org.models import StaffProfile
from tests.casework.factories import CasePlanFactory, GoalFactory
from tests.factories import (
    DataSharingBasisFactory,
    EnforcementActionFactory,
    HouseholdFactory,
    LicenceFactory,
    PlacementFactory,
    StaffProfileFactory,
    UserFactory,
    agency,
    shared_household,
)

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _fixed_clock() -> Iterator[None]:
    """The clock stands still at 7am on the suite's day: the job runs twice at the same instant."""
    with time_machine.travel(datetime(2026, 6, 15, 7, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


def keyed(kind: str) -> dict[str, Task]:
    return {t.source_key: t for t in Task.objects.filter(kind=kind)}


def test_a_missing_s208_notice_raises_one_task_for_the_key_worker_however_often_the_job_runs(
    caseworker: StaffProfile,
) -> None:
    household = shared_household(agency("jcp"), key_worker=caseworker)
    placement = PlacementFactory(household=household, placed_on=date(2026, 6, 5))
    PlacementFactory(
        household=household, placed_on=date(2026, 6, 1), notification_received_on=date(2026, 6, 3)
    )

    first = tasks_raise(today=TODAY)
    second = tasks_raise(today=TODAY)
    call_command("raise_tasks", "--no-digest")

    assert [t.source_key for t in first] == [f"placement:{placement.pk}:notice"]
    assert second == []
    task = Task.objects.get()
    assert (task.kind, task.due_on, task.assignee, task.team) == (
        "s208_notice",
        date(2026, 6, 19),
        caseworker.user,
        None,
    )
    assert task.household == household
    assert "s208 notice from London Borough of Hackney not received" in task.title


def test_a_task_marked_done_is_not_raised_again(caseworker: StaffProfile) -> None:
    PlacementFactory(household=shared_household(), placed_on=date(2026, 6, 5))
    task = tasks_raise(today=TODAY)[0]
    Task.objects.filter(pk=task.pk).update(status="done", done_on=TODAY)
    assert tasks_raise(today=TODAY) == []
    assert Task.objects.count() == 1


def test_a_looked_after_child_notice_goes_to_childrens_services_when_nobody_holds_the_case() -> None:
    lac = PlacementType.objects.get(code="lac")
    placement = PlacementFactory(
        type=lac, legal_basis=Placement.LegalBasis.CA_S20, placed_on=date(2026, 6, 12)
    )
    (task,) = tasks_raise(today=TODAY)
    assert (task.kind, task.assignee, task.team.code) == ("lac_notice", None, "kcc")
    assert task.due_on == date(2026, 6, 19)  # five working days after Friday 12 June
    assert task.source_key == f"placement:{placement.pk}:notice"


def test_old_missed_notices_outside_the_lookback_raise_nothing() -> None:
    PlacementFactory(placed_on=date(2011, 3, 1))
    assert tasks_raise(today=TODAY) == []


def test_expiring_consent_raises_a_task_once_and_a_withdrawn_or_distant_one_does_not(
    caseworker: StaffProfile,
) -> None:
    household = HouseholdFactory(key_worker=caseworker)
    soon = DataSharingBasisFactory(household=household, expires_on=date(2026, 7, 1))
    DataSharingBasisFactory(household=household, expires_on=date(2026, 7, 1), withdrawn_on=date(2026, 5, 1))
    DataSharingBasisFactory(household=household, expires_on=date(2026, 12, 1))
    DataSharingBasisFactory(household=household, basis="public_task", expires_on=date(2026, 7, 1))
    tasks_raise(today=TODAY)
    tasks_raise(today=TODAY)
    assert list(keyed("consent_expiry")) == [f"basis:{soon.pk}:expiry"]
    assert Task.objects.get().assignee == caseworker.user


def test_licence_expiry_and_notice_compliance_go_to_the_housing_team() -> None:
    licence = LicenceFactory(starts_on=date(2021, 8, 1), expires_on=date(2026, 7, 31))
    LicenceFactory(starts_on=date(2022, 8, 1), expires_on=date(2027, 7, 31))
    notice = EnforcementActionFactory(served_on=date(2026, 6, 1))
    EnforcementActionFactory(served_on=date(2026, 5, 1), complied_on=date(2026, 5, 20), status="complied")
    tasks_raise(today=TODAY)
    (lic,) = keyed("licence_expiry").values()
    (comp,) = keyed("notice_compliance").values()
    assert lic.source_key == f"licence:{licence.pk}:expiry:2026-07-31"
    assert (lic.team.code, lic.property_id, lic.due_on) == ("tdc", licence.property_id, date(2026, 7, 31))
    assert (comp.team.code, comp.due_on) == ("tdc", date(2026, 6, 29))
    assert comp.source_key == f"enforcement:{notice.pk}:compliance"


def test_a_plan_review_due_raises_a_task_and_a_new_review_date_raises_another() -> None:
    plan = CasePlanFactory(next_review_on=date(2026, 6, 20))
    tasks_raise(today=TODAY)
    plan.next_review_on = date(2026, 6, 25)
    plan.save()
    tasks_raise(today=TODAY)
    assert sorted(keyed("plan_review")) == [
        f"plan:{plan.pk}:review:2026-06-20",
        f"plan:{plan.pk}:review:2026-06-25",
    ]
    assert {t.team.code for t in Task.objects.all()} == {"jcp"}  # the plan's lead agency


def test_sustained_outcome_checks_fall_due_6_and_12_months_after_closing() -> None:
    goal = GoalFactory(
        status=Goal.Status.ACHIEVED, achieved_on=date(2025, 12, 1), plan__agreed_on=date(2025, 6, 1)
    )
    plan = goal.plan
    plan.status, plan.closed_on = "closed", date(2025, 12, 20)
    plan.save()
    Household.objects.filter(pk=plan.household_id).update(
        status="closed", closed_on=date(2025, 12, 20), closure_reason="outcomes_achieved"
    )
    tasks_raise(today=TODAY)
    (task,) = keyed("sustain_check").values()
    assert (task.source_key, task.due_on) == (f"plan:{plan.pk}:sustain:6", date(2026, 6, 20))
    SustainCheck.objects.create(goal=goal, months=6, checked_on=TODAY, sustained=True)
    assert tasks_raise(today=date(2026, 12, 15)) != []
    assert f"plan:{plan.pk}:sustain:12" in keyed("sustain_check")


def test_retention_review_is_one_task_a_month_for_the_data_protection_officer(
    data_protection_officer: StaffProfile, caseworker: StaffProfile
) -> None:
    HouseholdFactory(status="closed", opened_on=date(2005, 1, 1), closed_on=date(2012, 3, 31))
    tasks_raise(today=TODAY)
    tasks_raise(today=date(2026, 6, 30))
    (task,) = Task.objects.filter(kind="retention_review")
    assert task.household is None
    assert "(1 on 15 June 2026)" in task.title
    assert list(Task.objects.visible_to(data_protection_officer.user)) == [task]
    kcc_caseworker = StaffProfileFactory(user=UserFactory(username="kim"), agency=agency("kcc"))
    assert not Task.objects.visible_to(kcc_caseworker.user).exists()


def test_the_digest_mails_each_person_their_overdue_and_this_weeks_tasks(
    settings: object, caseworker: StaffProfile
) -> None:
    caseworker.user.email = "casey@example.org"
    caseworker.user.save()
    household = shared_household(agency("jcp"), key_worker=caseworker)
    PlacementFactory(household=household, placed_on=date(2026, 5, 20))  # due 3 June: overdue
    PlacementFactory(household=household, placed_on=date(2026, 6, 5))  # due 19 June: this week
    call_command("raise_tasks")
    (message,) = mail.outbox
    assert message.to == ["casey@example.org"]
    assert "Overdue (1):" in message.body
    assert "Due in the next 7 days (1):" in message.body
    assert household.case_reference in message.body


def test_add_months_keeps_the_day_or_the_months_last() -> None:
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert add_months(date(2025, 12, 20), 12) == date(2026, 12, 20)


def test_a_notice_that_arrives_or_a_plan_reviewed_closes_its_task_on_the_next_run(
    caseworker: StaffProfile,
) -> None:
    household = shared_household(agency("jcp"), key_worker=caseworker)
    placement = PlacementFactory(household=household, placed_on=date(2026, 6, 5))
    still_missing = PlacementFactory(household=household, placed_on=date(2026, 6, 8))
    plan = CasePlanFactory(
        household=household, assessment__household=household, next_review_on=date(2026, 6, 20)
    )
    tasks_raise(today=TODAY)
    Placement.objects.filter(pk=placement.pk).update(notification_received_on=date(2026, 6, 12))
    plan.next_review_on = date(2026, 9, 20)
    plan.save()

    call_command("raise_tasks", "--no-digest")

    open_keys = set(Task.objects.filter(status="open").values_list("source_key", flat=True))
    assert open_keys == {f"placement:{still_missing.pk}:notice"}
    closed = Task.objects.get(source_key=f"placement:{placement.pk}:notice")
    assert (closed.status, closed.done_on, closed.done_by) == ("done", TODAY, None)
    assert tasks_resolve(today=TODAY) == []


def test_the_daily_job_is_on_celery_beats_schedule() -> None:
    from django.conf import settings

    from taskforce.celery import app

    app.loader.import_default_modules()
    schedule = settings.CELERY_BEAT_SCHEDULE
    # Every periodic task is on the one schedule (a second assignment in settings once dropped the others).
    assert {entry["task"] for entry in schedule.values()} == {
        "casework.raise_tasks",
        "jobs.abandon_silent_jobs",
        "outcomes.warm_dashboards",
    }
    assert all(entry["task"] in app.tasks for entry in schedule.values())
    assert schedule["abandon-silent-jobs"]["schedule"] == 60.0

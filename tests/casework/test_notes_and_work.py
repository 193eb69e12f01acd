"""Case notes (scoped, sensitive to the author's agency, on the filterable timeline, in the change history)
and the My work page (overdue, this week, later; mark done) for every role."""

from datetime import date

import pytest
from django.test import Client

from casework import services
from casework.models import CaseNote, Task
from taskforce.org.models import AccessLog, StaffProfile
from tests.casework.factories import CaseNoteFactory, TaskFactory
from tests.factories import MembershipFactory, agency, shared_household
from tests.web.conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(caseworker: StaffProfile, caseworker_police: StaffProfile):  # type: ignore[no-untyped-def]
    """A household both the Jobcentre Plus and the police caseworker may see."""
    household = shared_household(agency("jcp"), agency("police"))
    MembershipFactory(household=household)
    return household


def test_a_sensitive_note_is_read_only_within_its_authors_agency(
    shared, caseworker: StaffProfile, caseworker_police: StaffProfile, ward_manager: StaffProfile
) -> None:
    open_note = services.case_note_record(
        household=shared,
        contact_on=date(2026, 6, 1),
        kind="call",
        text="Rang about rent",
        sensitive=False,
        author=caseworker_police.user,
    )
    secret = services.case_note_record(
        household=shared,
        contact_on=date(2026, 6, 2),
        kind="visit",
        text="Disclosed abuse",
        sensitive=True,
        author=caseworker_police.user,
    )
    assert secret.agency == agency("police")
    assert set(CaseNote.objects.visible_to(caseworker_police.user)) == {open_note, secret}
    assert list(CaseNote.objects.visible_to(caseworker.user)) == [open_note]
    assert list(CaseNote.objects.visible_to(ward_manager.user)) == [open_note]  # the council's manager


def test_a_note_from_the_future_is_refused(shared, caseworker: StaffProfile) -> None:
    with pytest.raises(Exception, match="future"):
        services.case_note_record(
            household=shared,
            contact_on=date(2026, 7, 1),
            kind="call",
            text="x",
            sensitive=False,
            author=caseworker.user,
        )
    assert not CaseNote.objects.exists()


def test_notes_are_on_the_timeline_filtered_by_type_and_author_and_in_the_change_history(
    client: Client, shared, caseworker: StaffProfile, caseworker_police: StaffProfile
) -> None:
    CaseNoteFactory(household=shared, author=caseworker.user, kind="visit", text="Visited the flat")
    CaseNoteFactory(
        household=shared,
        author=caseworker_police.user,
        agency=agency("police"),
        kind="call",
        text="Phoned mum",
    )
    client = signed_in(client, caseworker)
    url = f"/households/{shared.pk}/history/"
    page = client.get(url).content.decode()
    assert "Visited the flat" in page
    assert "Phoned mum" in page
    assert "Case note: Home visit" in page  # the change history
    visits = client.get(url, {"type": "note:visit"}).content.decode()
    assert "Visited the flat" in visits
    assert "Phoned mum" not in visits
    assert "Case opened" not in visits
    by_police = client.get(url, {"author": caseworker_police.user.pk}).content.decode()
    assert "Phoned mum" in by_police
    assert "Visited the flat" not in by_police
    notes = client.get(f"/households/{shared.pk}/notes/", {"type": "note:call"}).content.decode()
    assert "Phoned mum" in notes
    assert "Visited the flat" not in notes
    assert AccessLog.objects.filter(resource="casework.casenote").exists()


def test_a_caseworker_records_a_contact_from_the_household_page(
    client: Client, shared, caseworker: StaffProfile
) -> None:
    client = signed_in(client, caseworker)
    response = client.post(
        f"/households/{shared.pk}/notes/new/",
        {
            "contact_on_day": "14",
            "contact_on_month": "6",
            "contact_on_year": "2026",
            "kind": "meeting",
            "text": "Met at school",
            "sensitive": "on",
        },
    )
    assert response.status_code == 302
    note = CaseNote.objects.get()
    assert (note.kind, note.sensitive, note.author, note.agency) == (
        "meeting",
        True,
        caseworker.user,
        agency("jcp"),
    )
    assert note.history.count() == 1


def test_my_work_groups_a_persons_and_their_teams_tasks_and_marks_them_done(
    client: Client, caseworker: StaffProfile, caseworker_police: StaffProfile
) -> None:
    overdue = TaskFactory(title="Overdue thing", due_on=date(2026, 6, 1), assignee=caseworker.user, team=None)
    week = TaskFactory(title="Team thing", due_on=date(2026, 6, 18))  # the Jobcentre Plus team
    TaskFactory(title="Later thing", due_on=date(2026, 8, 1), assignee=caseworker.user, team=None)
    police = TaskFactory(title="Police thing", due_on=date(2026, 6, 18), team=agency("police"))
    client = signed_in(client, caseworker)
    page = client.get("/my-work/").content.decode()
    assert page.index("Overdue thing") < page.index("Team thing") < page.index("Later thing")
    assert "Police thing" not in page
    assert AccessLog.objects.filter(resource="casework.task", action="list").exists()

    assert client.post(f"/tasks/{overdue.pk}/done/").status_code == 302
    overdue.refresh_from_db()
    assert (overdue.status, overdue.done_on, overdue.done_by) == ("done", date(2026, 6, 15), caseworker.user)
    assert client.post(f"/tasks/{police.pk}/done/").status_code == 404
    assert Task.objects.get(pk=week.pk).status == "open"


def test_every_role_has_a_my_work_page_and_may_add_a_task(client: Client, policy_lead: StaffProfile) -> None:
    client = signed_in(client, policy_lead)
    assert client.get("/my-work/").status_code == 200
    client.post(
        "/tasks/new/",
        {"title": "Draft the pack", "due_on_day": "20", "due_on_month": "6", "due_on_year": "2026"},
    )
    task = Task.objects.get()
    assert (task.assignee, task.team) == (policy_lead.user, None)
    assert "Draft the pack" in client.get("/my-work/").content.decode()


def test_a_task_about_a_household_out_of_scope_is_not_shown(caseworker: StaffProfile) -> None:
    theirs = shared_household(agency("police"))
    TaskFactory(household=theirs)  # assigned to the Jobcentre Plus team, but about a police-only case
    assert not Task.objects.visible_to(caseworker.user).exists()


def test_roles_without_case_work_see_no_case_record(
    housing_officer: StaffProfile, policy_lead: StaffProfile, data_protection_officer: StaffProfile
) -> None:
    from casework.models import Assessment, CasePlan, Goal, PlanAction, Review
    from tests.casework.factories import PlanActionFactory, ReviewFactory

    household = shared_household(agency("tdc"))
    CaseNoteFactory(household=household, agency=agency("tdc"))
    action = PlanActionFactory(goal__plan__assessment__household=household)
    ReviewFactory(plan=action.goal.plan)
    TaskFactory(household=household, team=agency("tdc"))
    for profile in (housing_officer, policy_lead, data_protection_officer):
        for model in (CaseNote, Assessment, CasePlan, Goal, PlanAction, Review, Task):
            assert not model.objects.visible_to(profile.user).exists(), (profile.role, model.__name__)


def test_a_task_goes_to_a_named_colleague_in_ones_own_agency_never_to_another_agencys_worker(
    client: Client, caseworker: StaffProfile, caseworker_police: StaffProfile
) -> None:
    from tests.factories import StaffProfileFactory, UserFactory

    colleague = StaffProfileFactory(
        user=UserFactory(username="colin", first_name="Colin", last_name="League"),
        role=StaffProfile.Role.CASEWORKER,
        agency=caseworker.agency,
    )
    client = signed_in(client, caseworker)
    form = client.get("/tasks/new/").content.decode()
    assert "Colin League" in form
    assert caseworker_police.user.username not in form
    due = {"due_on_day": "20", "due_on_month": "6", "due_on_year": "2026"}
    refused = client.post(
        "/tasks/new/", {"title": "Call the school", "assignee": caseworker_police.user.pk, **due}
    )
    assert refused.status_code == 200
    both = client.post(
        "/tasks/new/",
        {"title": "Call the school", "assignee": colleague.user.pk, "team": agency("nhs").pk, **due},
    )
    assert "to a colleague or to a team, not both" in both.content.decode()
    assert not Task.objects.exists()
    client.post("/tasks/new/", {"title": "Call the school", "assignee": colleague.user.pk, **due})
    task = Task.objects.get()
    assert (task.assignee, task.team, task.created_by) == (colleague.user, None, caseworker.user)
    assert Task.objects.visible_to(colleague.user).get() == task
    assert not Task.objects.visible_to(caseworker_police.user).exists()

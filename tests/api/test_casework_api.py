"""Case work through the API: notes, assessments, plans, reviews and tasks are written through their
services, scoped like the household they belong to, and every read is logged."""

from datetime import date

import pytest

from casework.models import CaseNote, Task
from taskforce.org.models import AccessLog, StaffProfile
from tests.api.conftest import client_for
from tests.casework.factories import AssessmentFactory, CaseNoteFactory, ReviewFactory, TaskFactory, outcome
from tests.factories import MembershipFactory, agency, shared_household

pytestmark = pytest.mark.django_db


def test_a_note_is_written_for_the_authors_agency_and_a_sensitive_one_stays_there(
    caseworker: StaffProfile, caseworker_police: StaffProfile
) -> None:
    household = shared_household(agency("jcp"), agency("police"))
    response = client_for(caseworker_police.user).post(
        "/api/v1/case-notes/",
        {
            "household": household.pk,
            "contact_on": "2026-06-10",
            "kind": "visit",
            "text": "Disclosure",
            "sensitive": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    note = CaseNote.objects.get()
    assert (note.author, note.agency) == (caseworker_police.user, agency("police"))
    assert client_for(caseworker.user).get("/api/v1/case-notes/").json()["count"] == 0
    assert client_for(caseworker.user).get(f"/api/v1/case-notes/{note.pk}/").status_code == 404


def test_a_note_dated_in_the_future_is_refused_with_its_field(caseworker: StaffProfile) -> None:
    household = shared_household()
    response = client_for(caseworker.user).post(
        "/api/v1/case-notes/",
        {"household": household.pk, "contact_on": "2026-07-10", "kind": "call", "text": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert "contact_on" in response.json()
    assert not CaseNote.objects.exists()


def test_an_assessment_names_its_needs_by_headline_outcome_code(caseworker: StaffProfile) -> None:
    household = shared_household()
    client = client_for(caseworker.user)
    response = client.post(
        "/api/v1/assessments/",
        {
            "household": household.pk,
            "assessed_on": "2026-06-01",
            "needs": ["education", "crime"],
            "summary": "s",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert sorted(response.json()["needs"]) == ["crime", "education"]
    plan = client.post(
        "/api/v1/case-plans/",
        {
            "assessment": response.json()["id"],
            "agreed_on": "2026-06-02",
            "next_review_on": "2026-09-01",
            "lead_agency": agency().pk,
        },
        format="json",
    )
    assert plan.status_code == 201, plan.content
    assert plan.json()["household"] == household.pk


def test_reading_reviews_logs_the_people_of_the_plans_household(caseworker: StaffProfile) -> None:
    household = shared_household()
    member = MembershipFactory(household=household)
    ReviewFactory(plan__assessment=AssessmentFactory(household=household, needs=[outcome("crime")]))
    assert client_for(caseworker.user).get("/api/v1/plan-reviews/").json()["count"] == 1
    entry = AccessLog.objects.get(resource="casework.review")
    assert list(entry.subjects.values_list("person_id", flat=True)) == [member.person_id]


def test_tasks_are_yours_and_your_teams_and_are_marked_done(
    caseworker: StaffProfile, housing_officer: StaffProfile
) -> None:
    TaskFactory(title="Team task")  # the Jobcentre Plus team
    other = TaskFactory(title="Council task", team=agency("tdc"))
    client = client_for(caseworker.user)
    created = client.post("/api/v1/tasks/", {"title": "Ring back", "due_on": "2026-06-16"}, format="json")
    assert created.status_code == 201
    assert created.json()["assignee"] == caseworker.user.pk
    titles = [t["title"] for t in client.get("/api/v1/tasks/").json()["results"]]
    assert titles == ["Ring back", "Team task"]
    done = client.post(
        f"/api/v1/tasks/{created.json()['id']}/done/", {"done_on": "2026-06-15"}, format="json"
    )
    assert done.json()["status"] == "done"
    assert (
        client.post(f"/api/v1/tasks/{other.pk}/done/", {"done_on": "2026-06-15"}, format="json").status_code
        == 404
    )
    assert [t["title"] for t in client_for(housing_officer.user).get("/api/v1/tasks/").json()["results"]] == [
        "Council task"
    ]
    assert Task.objects.get(pk=other.pk).status == "open"


def test_a_task_about_a_household_you_cannot_see_is_refused(caseworker: StaffProfile) -> None:
    theirs = shared_household(agency("police"))
    response = client_for(caseworker.user).post(
        "/api/v1/tasks/", {"title": "x", "due_on": "2026-06-16", "household": theirs.pk}, format="json"
    )
    assert response.status_code == 400
    assert "household" in response.json()


def test_a_note_by_someone_else_is_listed_with_its_author(caseworker: StaffProfile) -> None:
    household = shared_household()
    note = CaseNoteFactory(household=household, contact_on=date(2026, 6, 3))
    row = (
        client_for(caseworker.user)
        .get("/api/v1/case-notes/", {"household": household.pk})
        .json()["results"][0]
    )
    assert (row["author"], row["agency"], row["kind"]) == (note.author_id, agency().pk, "visit")


def test_a_case_closed_through_the_api_keeps_its_reason(caseworker: StaffProfile) -> None:
    household = shared_household()
    client = client_for(caseworker.user)
    url = f"/api/v1/households/{household.pk}/"
    etag = client.get(url)["ETag"]
    closed = client.patch(
        url,
        {"status": "closed", "closed_on": "2026-06-01", "closure_reason": "stepped_down"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert closed.status_code == 200, closed.content
    assert closed.json()["closure_reason"] == "stepped_down"
    refused = client.patch(
        url, {"closure_reason": "not-a-reason"}, format="json", HTTP_IF_MATCH=closed["ETag"]
    )
    assert refused.status_code == 400

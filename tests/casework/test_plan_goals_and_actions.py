"""Goals and their actions after the plan is agreed: an action marked done (and undone) on the household page
and through the API, and the API's goal endpoints (add, progress, sustained), each within the plan's rules
and the caller's scope, every read logged with the household's people."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from casework import services
from casework.models import Goal, PlanAction
from taskforce.org.models import AccessLog, StaffProfile
from tests.api.conftest import client_for
from tests.casework.factories import CasePlanFactory, GoalFactory, PlanActionFactory
from tests.factories import MembershipFactory, agency, shared_household
from tests.web.conftest import signed_in

pytestmark = pytest.mark.django_db


def _date(name: str, day: date) -> dict[str, str]:
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


@pytest.fixture
def action(db: None) -> PlanAction:
    """An action on an open plan agreed on 9 March 2026 for a household shared with Jobcentre Plus."""
    household = shared_household(agency("jcp"))
    MembershipFactory(household=household)
    plan = CasePlanFactory(assessment__household=household)
    return PlanActionFactory(goal=GoalFactory(plan=plan))


def test_the_service_marks_an_action_done_within_the_plans_dates(action: PlanAction) -> None:
    with pytest.raises(ValidationError) as early:
        services.action_update(action=action, done_on=date(2026, 3, 1))
    assert "done_on" in early.value.message_dict
    with pytest.raises(ValidationError) as future:
        services.action_update(action=action, done_on=date(2030, 1, 1))
    assert "done_on" in future.value.message_dict
    services.action_update(action=action, done_on=date(2026, 4, 2))
    action.refresh_from_db()
    assert action.done_on == date(2026, 4, 2)
    services.action_update(action=action, done_on=None)
    action.refresh_from_db()
    assert action.done_on is None


def test_a_caseworker_marks_an_action_done_on_the_household_page(
    client: Client, caseworker: StaffProfile, action: PlanAction
) -> None:
    household = action.goal.plan.household
    client = signed_in(client, caseworker)
    url = f"/households/{household.pk}/actions/{action.pk}/done/"
    assert f'href="{url}"' in client.get(f"/households/{household.pk}/plan/").content.decode()

    form = client.get(url).content.decode()
    assert "checked" not in form  # not yet done: no answer chosen for the caseworker
    refused = client.post(url, {"done": "yes"})
    assert "Enter the date the action was done" in refused.content.decode()
    assert client.post(url, {"done": "yes", **_date("done_on", date(2026, 4, 2))}).status_code == 302
    action.refresh_from_db()
    assert action.done_on == date(2026, 4, 2)
    page = client.get(f"/households/{household.pk}/plan/").content.decode()
    assert "Done</strong> 2 Apr 2026" in page
    again = client.get(url).content.decode()
    assert 'value="yes" checked' in again
    client.post(url, {"done": "no"})
    action.refresh_from_db()
    assert action.done_on is None


def test_a_ward_manager_cannot_mark_an_action_done(
    client: Client, ward_manager: StaffProfile, action: PlanAction
) -> None:
    household = action.goal.plan.household
    url = f"/households/{household.pk}/actions/{action.pk}/done/"
    response = signed_in(client, ward_manager).post(
        url, {"done": "yes", **_date("done_on", date(2026, 4, 2))}
    )
    assert response.status_code == 403
    action.refresh_from_db()
    assert action.done_on is None


def test_the_api_adds_goals_and_actions_and_records_their_progress(
    caseworker: StaffProfile, action: PlanAction
) -> None:
    api = client_for(caseworker.user)
    plan = action.goal.plan

    goal = api.post(
        "/api/v1/plan-goals/",
        {
            "plan": plan.pk,
            "outcome": "financial-stability",
            "description": "Clear arrears",
            "review_on": "2026-07-01",
        },
        format="json",
    )
    assert goal.status_code == 201, goal.json()
    assert (goal.json()["outcome"], goal.json()["status"]) == ("financial-stability", "open")
    goal_id = goal.json()["id"]
    added = api.post(
        "/api/v1/plan-actions/",
        {"goal": goal_id, "description": "Budgeting course", "agency": agency("tdc").pk},
        format="json",
    )
    assert added.status_code == 201, added.json()
    done = api.post(
        f"/api/v1/plan-actions/{added.json()['id']}/done/", {"done_on": "2026-04-20"}, format="json"
    )
    assert (done.status_code, done.json()["done_on"]) == (200, "2026-04-20")

    missing_date = api.post(f"/api/v1/plan-goals/{goal_id}/progress/", {"status": "achieved"}, format="json")
    assert missing_date.status_code == 400
    assert "achieved_on" in missing_date.json()
    achieved = api.post(
        f"/api/v1/plan-goals/{goal_id}/progress/",
        {"status": "achieved", "achieved_on": "2026-05-01"},
        format="json",
    )
    assert (achieved.status_code, achieved.json()["status"]) == (200, "achieved")

    # A sustain check waits for the case to close.
    early = api.post(
        f"/api/v1/plan-goals/{goal_id}/sustained/",
        {"months": 6, "checked_on": "2026-05-02", "sustained": True},
        format="json",
    )
    assert early.status_code == 400
    services.case_close(household=plan.household, on=date(2026, 5, 2), reason="outcomes_achieved")
    checked = api.post(
        f"/api/v1/plan-goals/{goal_id}/sustained/",
        {"months": 6, "checked_on": "2026-06-01", "sustained": True},
        format="json",
    )
    assert checked.status_code == 201, checked.json()
    assert checked.json()["sustain_checks"] == [{"months": 6, "checked_on": "2026-06-01", "sustained": True}]
    # The plan closed with the case: its actions can no longer change.
    closed = api.post(f"/api/v1/plan-actions/{action.pk}/done/", {"done_on": "2026-05-01"}, format="json")
    assert closed.status_code == 400


def test_goal_and_action_reads_are_logged_with_the_households_people_and_scoped(
    caseworker: StaffProfile, action: PlanAction
) -> None:
    api = client_for(caseworker.user)
    people = sorted(action.goal.plan.household.memberships.values_list("person_id", flat=True))
    assert api.get(f"/api/v1/plan-goals/{action.goal_id}/").status_code == 200
    assert api.get(f"/api/v1/plan-actions/?household={action.goal.plan.household_id}").json()["count"] == 1
    reads = AccessLog.objects.filter(resource__in=["casework.goal", "casework.planaction"]).order_by("pk")
    assert [(r.resource, r.action) for r in reads] == [
        ("casework.goal", "detail"),
        ("casework.planaction", "list"),
    ]
    assert all(sorted(s.person_id for s in r.subjects.all()) == people for r in reads)

    elsewhere = PlanActionFactory(
        goal=GoalFactory(plan=CasePlanFactory(assessment__household=shared_household(agency("police"))))
    )
    assert api.get(f"/api/v1/plan-actions/{elsewhere.pk}/").status_code == 404
    assert (
        api.post(
            f"/api/v1/plan-actions/{elsewhere.pk}/done/", {"done_on": "2026-04-02"}, format="json"
        ).status_code
        == 404
    )
    assert (
        api.post(
            "/api/v1/plan-actions/",
            {"goal": elsewhere.goal_id, "description": "x", "agency": agency("jcp").pk},
            format="json",
        ).status_code
        == 400
    )
    assert Goal.objects.get(pk=elsewhere.goal_id).actions.count() == 1

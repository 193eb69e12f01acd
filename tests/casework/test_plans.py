"""Assessment, plan, goals, reviews, closure with a reason, and sustained outcomes: the services' rules and
the household page's forms."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from casework import services
from casework.models import CasePlan, Goal, Review
from households.models import Household
from taskforce.org.models import AccessLog, StaffProfile
from tests.casework.factories import AssessmentFactory, CasePlanFactory, GoalFactory, outcome
from tests.factories import MembershipFactory, agency, shared_household
from tests.web.conftest import signed_in

pytestmark = pytest.mark.django_db


def test_a_household_holds_one_open_plan_at_a_time() -> None:
    plan = CasePlanFactory()
    with pytest.raises(ValidationError, match="already has an open plan"):
        services.plan_agree(
            assessment=plan.assessment,
            agreed_on=date(2026, 4, 1),
            next_review_on=date(2026, 7, 1),
            lead_agency=agency(),
        )


def test_a_plan_cannot_be_agreed_before_its_assessment() -> None:
    assessment = AssessmentFactory(assessed_on=date(2026, 3, 2))
    with pytest.raises(ValidationError) as error:
        services.plan_agree(
            assessment=assessment,
            agreed_on=date(2026, 3, 1),
            next_review_on=date(2026, 6, 1),
            lead_agency=agency(),
        )
    assert "agreed_on" in error.value.message_dict


def test_a_review_moves_the_plans_next_review(caseworker: StaffProfile) -> None:
    plan = CasePlanFactory()
    services.review_record(
        plan=plan,
        reviewed_on=date(2026, 6, 9),
        summary="On track",
        next_review_on=date(2026, 9, 9),
        reviewer=caseworker.user,
    )
    plan.refresh_from_db()
    assert plan.next_review_on == date(2026, 9, 9)
    with pytest.raises(ValidationError, match="next review must come after"):
        services.review_record(
            plan=plan,
            reviewed_on=date(2026, 6, 10),
            summary="Again",
            next_review_on=date(2026, 6, 10),
            reviewer=caseworker.user,
        )
    assert Review.objects.count() == 1


def test_closing_a_case_needs_a_reason_and_closes_its_plan() -> None:
    plan = CasePlanFactory()
    household = plan.household
    with pytest.raises(ValidationError, match="reason"):
        services.case_close(household=household, on=date(2026, 6, 10), reason="")
    services.case_close(household=household, on=date(2026, 6, 10), reason="outcomes_achieved")
    household.refresh_from_db()
    plan.refresh_from_db()
    assert (household.status, household.closure_reason) == ("closed", "outcomes_achieved")
    assert (plan.status, plan.closed_on) == ("closed", date(2026, 6, 10))
    with pytest.raises(ValidationError, match="closed"):
        services.goal_add(plan=plan, outcome=outcome(), description="Late", review_on=date(2026, 7, 1))


def test_only_an_achieved_goal_of_a_closed_case_is_checked_for_being_sustained() -> None:
    goal = GoalFactory()
    with pytest.raises(ValidationError, match="achieved goal"):
        services.sustain_check_record(goal=goal, months=6, checked_on=date(2026, 6, 14), sustained=True)
    services.goal_update(goal=goal, status=Goal.Status.ACHIEVED, achieved_on=date(2026, 5, 1))
    with pytest.raises(ValidationError, match="still open"):
        services.sustain_check_record(goal=goal, months=6, checked_on=date(2026, 6, 14), sustained=True)
    services.case_close(household=goal.plan.household, on=date(2026, 5, 2), reason="outcomes_achieved")
    check = services.sustain_check_record(goal=goal, months=6, checked_on=date(2026, 6, 14), sustained=False)
    assert check.sustained is False
    with pytest.raises(ValidationError, match="already been recorded"):
        services.sustain_check_record(goal=goal, months=6, checked_on=date(2026, 6, 14), sustained=True)


def test_reopening_a_case_clears_its_reason_for_closing() -> None:
    from households.services import household_update

    household = shared_household()
    services.case_close(household=household, on=date(2026, 6, 1), reason="moved_away")
    household_update(household=household, status="open", closed_on=None)
    household.refresh_from_db()
    assert (household.status, household.closure_reason) == ("open", "")


def _date(prefix: str, day: date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def test_a_caseworker_assesses_plans_reviews_and_closes_through_the_household_page(
    client: Client, caseworker: StaffProfile
) -> None:
    household = shared_household(agency("jcp"))
    MembershipFactory(household=household)
    client = signed_in(client, caseworker)
    base = f"/households/{household.pk}"

    refused = client.post(
        f"{base}/assessments/new/", {**_date("assessed_on", date(2026, 6, 1)), "summary": "x"}
    )
    assert "Select at least one headline outcome" in refused.content.decode()
    needs = [outcome("secure-housing").pk, outcome("financial-stability").pk]
    response = client.post(
        f"{base}/assessments/new/",
        {**_date("assessed_on", date(2026, 6, 1)), "summary": "Arrears", "needs": needs},
    )
    assert response.status_code == 302
    assessment = household.assessments.get()
    assert sorted(n.code for n in assessment.needs.all()) == ["financial-stability", "secure-housing"]

    client.post(
        f"{base}/assessments/{assessment.pk}/plan/",
        {
            **_date("agreed_on", date(2026, 6, 2)),
            **_date("next_review_on", date(2026, 9, 2)),
            "lead_agency": agency("jcp").pk,
        },
    )
    plan = CasePlan.objects.get(household=household)
    client.post(
        f"{base}/plans/{plan.pk}/goals/new/",
        {
            "outcome": outcome("secure-housing").pk,
            "description": "Keep the tenancy",
            **_date("review_on", date(2026, 8, 1)),
            "action": "Negotiate with the landlord",
            "agency": agency("tdc").pk,
        },
    )
    goal = plan.goals.get()
    assert goal.actions.get().agency == agency("tdc")
    client.post(
        f"{base}/plans/{plan.pk}/reviews/new/",
        {
            **_date("reviewed_on", date(2026, 6, 14)),
            "summary": "Landlord agreed",
            **_date("next_review_on", date(2026, 9, 14)),
        },
    )
    client.post(
        f"{base}/goals/{goal.pk}/progress/", {"status": "achieved", **_date("achieved_on", date(2026, 6, 14))}
    )
    page = client.get(f"{base}/plan/").content.decode()
    assert "Keep the tenancy" in page
    assert "Landlord agreed" in page
    assert "Achieved" in page
    assert AccessLog.objects.filter(resource="casework.caseplan", object_ids=[plan.pk]).exists()

    client.post(f"{base}/close/", {**_date("on", date(2026, 6, 15)), "reason": "outcomes_achieved"})
    household.refresh_from_db()
    assert household.get_closure_reason_display() == "Outcomes achieved"
    assert "Outcomes achieved" in client.get(f"{base}/").content.decode()


def test_a_ward_manager_reads_the_plan_but_may_not_write_it(
    client: Client, ward_manager: StaffProfile
) -> None:
    plan = CasePlanFactory(household=shared_household())
    client = signed_in(client, ward_manager)
    assert client.get(f"/households/{plan.household_id}/plan/").status_code == 200
    assert client.get(f"/households/{plan.household_id}/assessments/new/").status_code == 403


def test_coverage_shows_ward_managers_rounded_counts_and_suppresses_small_ones(
    client: Client, ward_manager: StaffProfile, caseworker: StaffProfile
) -> None:
    for _ in range(12):
        CasePlanFactory(household=shared_household(), next_review_on=date(2026, 7, 1))
    for _ in range(3):
        shared_household(ward_code="E05005093")
    page = signed_in(client, ward_manager).get("/case-plans/coverage/").content.decode()
    assert ">10<" in page  # 12 open cases in Cliftonville West, rounded
    assert "100%" in page
    assert "[c]" in page  # 3 in Margate Central
    assert ">12<" not in page
    assert signed_in(Client(), caseworker).get("/case-plans/coverage/").status_code == 403


def test_closed_households_do_not_count_as_open_on_coverage(
    client: Client, ward_manager: StaffProfile
) -> None:
    Household.objects.all().delete()
    page = signed_in(client, ward_manager).get("/case-plans/coverage/").content.decode()
    assert "Cliftonville West" in page

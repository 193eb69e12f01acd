"""Case work forms on a household: assessment, plan, goals and actions, reviews, closure, sustain checks and
case notes. Caseworkers write them (the WRITES entry "case"); each feeds one service."""

from typing import Any

from django.db import models

from households.models import Household
from households.views.case_records import HouseholdFormView, section_url
from taskforce.org import audit, scoping

from . import forms as f
from . import services
from .models import Assessment, CasePlan, Goal, PlanAction


class CaseworkFormView(HouseholdFormView):
    household: Household
    section = "plan"

    def success_url(self, saved: models.Model) -> str:
        return section_url(self.household, self.section)

    def back_url(self) -> str:
        return section_url(self.household, self.section)


class AssessmentCreate(CaseworkFormView):
    form_class = f.AssessmentForm
    title = "Record a whole-family assessment"

    def save(self, data: dict[str, Any]) -> Assessment:
        return services.assessment_record(
            household=self.household, assessor=scoping.signed_in(self.request.user), **data
        )


class PlanCreate(CaseworkFormView):
    form_class = f.PlanForm
    title = "Agree a case plan"
    assessment: Assessment

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.assessment = audit.visible_or_404(
            self.request, Assessment.objects.of_household(self.household, self.request.user), pk=kwargs["pk"]
        )

    def save(self, data: dict[str, Any]) -> CasePlan:
        return services.plan_agree(assessment=self.assessment, **data)


class _OnPlan(CaseworkFormView):
    plan: CasePlan

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.plan = audit.visible_or_404(
            self.request, CasePlan.objects.of_household(self.household, self.request.user), pk=kwargs["pk"]
        )


class GoalCreate(_OnPlan):
    form_class = f.GoalForm
    title = "Add a goal"

    def save(self, data: dict[str, Any]) -> Goal:
        goal = services.goal_add(
            plan=self.plan,
            outcome=data["outcome"],
            description=data["description"],
            review_on=data["review_on"],
        )
        services.action_add(
            goal=goal, description=data["action"], agency=data["agency"], due_on=data["due_on"]
        )
        return goal


class ReviewCreate(_OnPlan):
    form_class = f.ReviewForm
    title = "Record a review"

    def save(self, data: dict[str, Any]) -> models.Model:
        return services.review_record(plan=self.plan, reviewer=scoping.signed_in(self.request.user), **data)


class _OnGoal(CaseworkFormView):
    goal: Goal

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.goal = audit.visible_or_404(
            self.request,
            Goal.objects.visible_to(self.request.user)
            .filter(plan__household=self.household)
            .select_related("plan"),
            pk=kwargs["pk"],
        )

    def caption(self) -> str:
        return f"{self.household.case_reference}: {self.goal.description}"


class ActionCreate(_OnGoal):
    form_class = f.ActionForm
    title = "Add an action"

    def save(self, data: dict[str, Any]) -> models.Model:
        return services.action_add(goal=self.goal, **data)


class ActionDone(CaseworkFormView):
    """Mark one of a goal's actions done on a date, or not done after all."""

    form_class = f.ActionDoneForm
    title = "Record whether the action was done"
    action: PlanAction

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.action = audit.visible_or_404(
            self.request,
            PlanAction.objects.visible_to(self.request.user)
            .filter(goal__plan__household=self.household)
            .select_related("goal__plan"),
            pk=kwargs["pk"],
        )

    def caption(self) -> str:
        return f"{self.household.case_reference}: {self.action.description}"

    def initial(self) -> dict[str, Any]:
        # Nothing chosen for an action not yet done: the caseworker came to say whether it is.
        if self.action.done_on is None:
            return {}
        return {"done": "yes", "done_on": self.action.done_on}

    def save(self, data: dict[str, Any]) -> models.Model:
        return services.action_update(action=self.action, done_on=data["done_on"] if data["done"] else None)


class GoalProgress(_OnGoal):
    form_class = f.GoalStatusForm
    title = "Record progress on the goal"

    def initial(self) -> dict[str, Any]:
        return {"status": self.goal.status, "achieved_on": self.goal.achieved_on}

    def save(self, data: dict[str, Any]) -> Goal:
        return services.goal_update(goal=self.goal, **data)


class SustainCheckCreate(_OnGoal):
    form_class = f.SustainCheckForm
    title = "Record whether the outcome was sustained"

    def save(self, data: dict[str, Any]) -> models.Model:
        return services.sustain_check_record(goal=self.goal, **data)


class CaseClose(CaseworkFormView):
    form_class = f.CloseForm
    title = "Close the case"
    button = "Close the case"

    def save(self, data: dict[str, Any]) -> Household:
        return services.case_close(household=self.household, **data)

    def done_message(self, saved: models.Model) -> str:
        return f"Case {saved} closed"


class CaseNoteCreate(CaseworkFormView):
    form_class = f.CaseNoteForm
    title = "Record a contact"
    section = "notes"

    def save(self, data: dict[str, Any]) -> models.Model:
        return services.case_note_record(
            household=self.household, author=scoping.signed_in(self.request.user), **data
        )

"""Writes of case work: assessments, plans with their goals and actions, reviews, closure, sustain checks,
case notes and tasks. Keyword-only, typed, atomic; every record is validated whole before it is saved."""

from collections.abc import Iterable
from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from households import services as household_services
from households.models import Household, Property
from taskforce.org import scoping
from taskforce.org.models import Agency
from taskforce.org.records import create

from .models import (
    Assessment,
    CaseNote,
    CasePlan,
    Goal,
    HeadlineOutcome,
    PlanAction,
    Review,
    SustainCheck,
    Task,
)


def _agency_of(user: User) -> Agency:
    profile = scoping.profile_of(user)
    if profile is None:
        raise ValidationError("Only a member of staff with a profile can record case work.")
    return profile.agency


def _not_future(field: str, day: date, what: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: f"{what} cannot be in the future."})


@transaction.atomic
def assessment_record(
    *, household: Household, assessed_on: date, needs: Iterable[HeadlineOutcome], summary: str, assessor: User
) -> Assessment:
    """A whole-family assessment: the headline outcomes the family needs help towards."""
    needs = list(needs)
    if not needs:
        raise ValidationError(
            {"needs": "Select at least one headline outcome the family needs help towards."}
        )
    _not_future("assessed_on", assessed_on, "The date of the assessment")
    assessment = create(
        Assessment(
            household=household,
            assessed_on=assessed_on,
            summary=summary,
            assessor=assessor,
            agency=_agency_of(assessor),
        )
    )
    assessment.needs.set(needs)
    return assessment


@transaction.atomic
def plan_agree(
    *, assessment: Assessment, agreed_on: date, next_review_on: date, lead_agency: Agency
) -> CasePlan:
    """A case plan following an assessment; the household may hold one open plan at a time."""
    if assessment.household.status == Household.Status.CLOSED:
        raise ValidationError({"assessment": "The case is closed: reopen it before agreeing a plan."})
    _not_future("agreed_on", agreed_on, "The date the plan was agreed")
    return create(
        CasePlan(
            household=assessment.household,
            assessment=assessment,
            agreed_on=agreed_on,
            next_review_on=next_review_on,
            lead_agency=lead_agency,
        )
    )


def _open(plan: CasePlan) -> None:
    if plan.status != CasePlan.Status.OPEN:
        raise ValidationError("The plan is closed: it can no longer change.")


@transaction.atomic
def goal_add(*, plan: CasePlan, outcome: HeadlineOutcome, description: str, review_on: date) -> Goal:
    _open(plan)
    if review_on < plan.agreed_on:
        raise ValidationError({"review_on": "The goal's review cannot come before the plan was agreed."})
    return create(Goal(plan=plan, outcome=outcome, description=description, review_on=review_on))


@transaction.atomic
def action_add(*, goal: Goal, description: str, agency: Agency, due_on: date | None = None) -> PlanAction:
    _open(goal.plan)
    return create(PlanAction(goal=goal, description=description, agency=agency, due_on=due_on))


@transaction.atomic
def action_update(*, action: PlanAction, done_on: date | None) -> PlanAction:
    """Mark a plan action done on a date, or (with no date) not done after all."""
    _open(action.goal.plan)
    if done_on is not None:
        _not_future("done_on", done_on, "The date the action was done")
        if done_on < action.goal.plan.agreed_on:
            raise ValidationError({"done_on": "An action cannot be done before the plan was agreed."})
    action.done_on = done_on
    action.full_clean()
    action.save(update_fields=["done_on"])
    return action


@transaction.atomic
def goal_update(*, goal: Goal, status: str, achieved_on: date | None = None) -> Goal:
    """Mark a goal achieved (on a date), not achieved, or back to working towards it."""
    _open(goal.plan)
    if status == Goal.Status.ACHIEVED:
        if achieved_on is None:
            raise ValidationError({"achieved_on": "Enter the date the goal was achieved"})
        _not_future("achieved_on", achieved_on, "The date the goal was achieved")
        if achieved_on < goal.plan.agreed_on:
            raise ValidationError({"achieved_on": "A goal cannot be achieved before the plan was agreed."})
    else:
        achieved_on = None
    goal.status = status
    goal.achieved_on = achieved_on
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def review_record(
    *, plan: CasePlan, reviewed_on: date, summary: str, next_review_on: date | None, reviewer: User
) -> Review:
    """A review of an open plan; its next review date becomes the plan's."""
    _open(plan)
    _not_future("reviewed_on", reviewed_on, "The date of the review")
    if reviewed_on < plan.agreed_on:
        raise ValidationError({"reviewed_on": "A review cannot come before the plan was agreed."})
    if next_review_on is None:
        raise ValidationError({"next_review_on": "Enter the date of the next review, or close the case"})
    review = create(
        Review(
            plan=plan,
            reviewed_on=reviewed_on,
            summary=summary,
            next_review_on=next_review_on,
            reviewer=reviewer,
        )
    )
    plan.next_review_on = next_review_on
    plan.full_clean()
    plan.save(update_fields=["next_review_on"])
    return review


@transaction.atomic
def case_close(*, household: Household, on: date, reason: str) -> Household:
    """Close the case with a reason: its open plan closes the same day (goals not achieved stay on record
    as they are), members leave and the household moves out of its current home."""
    if household.status == Household.Status.CLOSED:
        raise ValidationError("The case is already closed.")
    if not reason:
        raise ValidationError({"reason": "Select the reason for closing the case"})
    if reason not in Household.ClosureReason.values:
        raise ValidationError({"reason": "Select one of the listed reasons for closing the case"})
    _not_future("on", on, "The date the case closed")
    for plan in household.plans.filter(status=CasePlan.Status.OPEN):
        if on < plan.agreed_on:
            raise ValidationError({"on": "The case cannot close before its plan was agreed."})
        plan.status = CasePlan.Status.CLOSED
        plan.closed_on = on
        plan.full_clean()
        plan.save(update_fields=["status", "closed_on"])
    return household_services.household_close(household=household, on=on, reason=reason)


@transaction.atomic
def sustain_check_record(
    *, goal: Goal, months: int, checked_on: date, sustained: bool, note: str = ""
) -> SustainCheck:
    """Whether an achieved goal held, 6 or 12 months after the case closed."""
    household = goal.plan.household
    if goal.status != Goal.Status.ACHIEVED:
        raise ValidationError({"goal": "Only an achieved goal is checked for being sustained."})
    if household.closed_on is None:
        raise ValidationError({"goal": "Outcomes are checked after the case closes; it is still open."})
    _not_future("checked_on", checked_on, "The date of the check")
    if checked_on < household.closed_on:
        raise ValidationError({"checked_on": "The check comes after the case closed."})
    return create(
        SustainCheck(goal=goal, months=months, checked_on=checked_on, sustained=sustained, note=note)
    )


@transaction.atomic
def case_note_record(
    *, household: Household, contact_on: date, kind: str, text: str, author: User, sensitive: bool = False
) -> CaseNote:
    """A dated contact with the family, written for the author's agency."""
    _not_future("contact_on", contact_on, "The date of the contact")
    return create(
        CaseNote(
            household=household,
            contact_on=contact_on,
            kind=kind,
            text=text,
            sensitive=sensitive,
            author=author,
            agency=_agency_of(author),
        )
    )


@transaction.atomic
def task_create(
    *,
    title: str,
    due_on: date,
    created_by: User,
    assignee: User | None = None,
    team: Agency | None = None,
    household: Household | None = None,
    property: Property | None = None,
) -> Task:
    """A task made by hand, for a person or a team; with neither, for its maker."""
    if assignee is not None and team is not None:
        raise ValidationError({"team": "Assign the task to a colleague or to a team, not both"})
    if assignee is None and team is None:
        assignee = created_by
    return create(
        Task(
            title=title,
            due_on=due_on,
            assignee=assignee,
            team=team,
            household=household,
            property=property,
            created_by=created_by,
        )
    )


@transaction.atomic
def task_complete(*, task: Task, by: User, on: date | None = None) -> Task:
    """Mark a task done; done twice, it keeps the first day and person."""
    if task.status == Task.Status.DONE:
        return task
    task.status = Task.Status.DONE
    task.done_on = on or timezone.localdate()
    task.done_by = by
    task.full_clean()
    task.save(update_fields=["status", "done_on", "done_by"])
    return task


@transaction.atomic
def task_reopen(*, task: Task) -> Task:
    task.status = Task.Status.OPEN
    task.done_on = None
    task.done_by = None
    task.full_clean()
    task.save(update_fields=["status", "done_on", "done_by"])
    return task

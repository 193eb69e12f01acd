"""Factories for case work records: assessments, plans, goals, reviews, case notes and tasks."""

from datetime import date

import factory

from casework.models import Assessment, CaseNote, CasePlan, Goal, HeadlineOutcome, PlanAction, Review, Task
from tests.factories import HouseholdFactory, UserFactory, agency


def outcome(code: str = "secure-housing") -> HeadlineOutcome:
    return HeadlineOutcome.objects.get(code=code)


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment
        skip_postgeneration_save = True

    household = factory.SubFactory(HouseholdFactory)
    assessed_on = date(2026, 3, 2)
    agency = factory.LazyFunction(agency)
    summary = "Rent arrears and a child out of school."

    @factory.post_generation
    def needs(self, create: bool, extracted: list[HeadlineOutcome] | None, **kwargs: object) -> None:
        if create:
            self.needs.set(extracted or [outcome()])


class CasePlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CasePlan

    assessment = factory.SubFactory(AssessmentFactory)
    household = factory.SelfAttribute("assessment.household")
    lead_agency = factory.LazyFunction(agency)
    agreed_on = date(2026, 3, 9)
    next_review_on = date(2026, 6, 9)


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    plan = factory.SubFactory(CasePlanFactory)
    outcome = factory.LazyFunction(outcome)
    description = "Clear the rent arrears"
    review_on = date(2026, 6, 9)


class PlanActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanAction

    goal = factory.SubFactory(GoalFactory)
    description = "Agree a repayment plan with the landlord"
    agency = factory.LazyFunction(lambda: agency("tdc"))


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    plan = factory.SubFactory(CasePlanFactory)
    reviewed_on = date(2026, 4, 9)
    summary = "Arrears falling."
    next_review_on = date(2026, 7, 9)


class CaseNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseNote

    household = factory.SubFactory(HouseholdFactory)
    contact_on = date(2026, 6, 1)
    kind = CaseNote.Kind.VISIT
    author = factory.SubFactory(UserFactory)
    agency = factory.LazyFunction(agency)
    text = "Home visit: the family were in."


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    title = "Call the school"
    due_on = date(2026, 6, 20)
    team = factory.LazyFunction(agency)

"""Serializers for case work: case notes, assessments, case plans (with their goals and actions), reviews and
tasks. Who wrote a record and for which agency are read-only: they are the requesting user's."""

from rest_framework import serializers

from casework.models import (
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

from .serializers import CodeField, ModelSerializer, ScopedPrimaryKeyRelatedField


class CaseNoteSerializer(ModelSerializer):
    class Meta:
        model = CaseNote
        fields = [
            "id",
            "household",
            "contact_on",
            "kind",
            "author",
            "agency",
            "sensitive",
            "text",
            "recorded_at",
        ]
        read_only_fields = ["author", "agency", "recorded_at"]


class AssessmentSerializer(ModelSerializer):
    needs = CodeField(
        slug_field="code",
        queryset=HeadlineOutcome.objects.all(),
        many=True,
        help_text="Codes of the Supporting Families headline outcomes the family needs help towards.",
    )

    class Meta:
        model = Assessment
        fields = ["id", "household", "assessed_on", "agency", "assessor", "needs", "summary"]
        read_only_fields = ["agency", "assessor"]


class PlanActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanAction
        fields = ["id", "description", "agency", "due_on", "done_on"]


class SustainCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = SustainCheck
        fields = ["months", "checked_on", "sustained"]


class GoalSerializer(serializers.ModelSerializer):
    outcome: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="code", read_only=True)
    actions = PlanActionSerializer(many=True, read_only=True)
    sustain_checks = SustainCheckSerializer(many=True, read_only=True)

    class Meta:
        model = Goal
        fields = [
            "id",
            "outcome",
            "description",
            "review_on",
            "status",
            "achieved_on",
            "actions",
            "sustain_checks",
        ]


class PlanGoalSerializer(GoalSerializer):
    """A goal of a case plan, with its actions and sustain checks (as a plan shows them, with the plan's id);
    added to an open plan."""

    serializer_related_field = ScopedPrimaryKeyRelatedField
    outcome = CodeField(
        slug_field="code",
        queryset=HeadlineOutcome.objects.all(),
        help_text="Code of the Supporting Families headline outcome the goal is towards.",
    )

    class Meta(GoalSerializer.Meta):
        fields = ["id", "plan", *GoalSerializer.Meta.fields[1:]]
        read_only_fields = ["status", "achieved_on"]


class GoalProgressSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Goal.Status.choices)
    achieved_on = serializers.DateField(
        required=False, allow_null=True, help_text="The day it was achieved; only with status achieved."
    )


class SustainCheckEntrySerializer(serializers.Serializer):
    months = serializers.ChoiceField(
        choices=SustainCheck.Months.choices, help_text="Which check: 6 or 12 months after the case closed."
    )
    checked_on = serializers.DateField()
    sustained = serializers.BooleanField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class PlanActionEntrySerializer(ModelSerializer):
    """An action towards a goal, owned by an agency; added while the plan is open."""

    class Meta:
        model = PlanAction
        fields = ["id", "goal", "description", "agency", "due_on", "done_on"]
        read_only_fields = ["done_on"]


class ActionDoneSerializer(serializers.Serializer):
    done_on = serializers.DateField(
        allow_null=True, help_text="The day it was done; null: not done after all."
    )


class CasePlanSerializer(ModelSerializer):
    goals = GoalSerializer(many=True, read_only=True)

    class Meta:
        model = CasePlan
        fields = [
            "id",
            "household",
            "assessment",
            "lead_agency",
            "agreed_on",
            "next_review_on",
            "status",
            "closed_on",
            "goals",
        ]
        read_only_fields = ["household", "status", "closed_on"]


class ReviewSerializer(ModelSerializer):
    class Meta:
        model = Review
        fields = ["id", "plan", "reviewed_on", "reviewer", "summary", "next_review_on"]
        read_only_fields = ["reviewer"]


class TaskSerializer(ModelSerializer):
    class Meta:
        model = Task
        fields = [
            "id",
            "kind",
            "title",
            "due_on",
            "household",
            "property",
            "assignee",
            "team",
            "status",
            "done_on",
            "created_at",
        ]
        read_only_fields = ["kind", "assignee", "status", "done_on", "created_at"]
        extra_kwargs = {"team": {"help_text": "Assign to this agency's team; leave out to keep it yourself."}}


class TaskDoneSerializer(serializers.Serializer):
    done_on = serializers.DateField(help_text="The day the task was done.")

"""Case work records: case notes, whole-family assessments, case plans and their reviews, and tasks.
Caseworkers write the case records; everyone with a role reads and adds their own tasks and marks them done."""

from collections.abc import Callable, Sequence
from typing import Any, cast

from django.db import models, transaction
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from casework import services
from casework.models import Assessment, CaseNote, CasePlan, Goal, PlanAction, Review, Task
from taskforce.org import audit, scoping
from taskforce.org.models import AccessLog

from .. import casework_serializers as s
from ..concurrency import etag_of
from ..filters import char, filterset
from .base import AuditedReads, client_address


class CreatesOnly(mixins.CreateModelMixin, AuditedReads):
    """Records written once and then kept as they are: list, read, export and create."""

    http_method_names = ["get", "post", "head", "options"]

    def create_record(self, data: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            instance = self.create_record(dict(serializer.validated_data))
            fresh = self.get_queryset().get(pk=instance.pk)
            data = self.get_serializer(fresh).data
        return Response(data, status=status.HTTP_201_CREATED, headers={"ETag": etag_of(fresh)})

    def me(self) -> Any:
        return scoping.signed_in(self.request.user)

    def act(
        self,
        request: Request,
        change: Callable[[Any, dict[str, Any]], models.Model],
        *,
        created: bool = False,
    ) -> Response:
        """An action on the record the path names: the action's input checked, `change(record, input)` run
        in one transaction, and the record it returns read again and answered as the endpoint shows it."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            changed = change(self.get_object(), serializer.validated_data)
            fresh = self.get_queryset().get(pk=changed.pk)
            data = cast(Any, self.serializer_class)(fresh, context=self.get_serializer_context()).data
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(data, status=code, headers={"ETag": etag_of(fresh)})


class CaseNoteViewSet(CreatesOnly):
    """Case notes: dated contacts with the family. A sensitive note is read only within its author's agency."""

    model = CaseNote
    serializer_class = s.CaseNoteSerializer
    writes = "case"
    related = ("author", "agency")
    filterset_class = filterset(
        CaseNote,
        ids={"household": "household", "author": "author", "agency": "agency", "ward": "household__ward"},
        exact=("kind", "sensitive"),
        dates=("contact_on",),
    )
    ordering_fields = ["contact_on", "recorded_at"]

    def create_record(self, data: dict[str, Any]) -> models.Model:
        return services.case_note_record(**data, author=self.me())


class AssessmentViewSet(CreatesOnly):
    """Whole-family assessments against the Supporting Families headline outcomes."""

    model = Assessment
    serializer_class = s.AssessmentSerializer
    writes = "case"
    filterset_class = filterset(
        Assessment, ids={"household": "household", "ward": "household__ward"}, dates=("assessed_on",)
    )
    ordering_fields = ["assessed_on"]

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().prefetch_related("needs")

    def create_record(self, data: dict[str, Any]) -> models.Model:
        return services.assessment_record(**data, assessor=self.me())


class CasePlanViewSet(CreatesOnly):
    """Case plans with their goals, each goal's actions (owned by an agency) and its sustained-outcome checks."""

    model = CasePlan
    serializer_class = s.CasePlanSerializer
    writes = "case"
    filterset_class = filterset(
        CasePlan,
        ids={"household": "household", "lead_agency": "lead_agency", "ward": "household__ward"},
        exact=("status",),
        dates=("agreed_on", "next_review_on", "closed_on"),
    )
    ordering_fields = ["agreed_on", "next_review_on"]

    def get_queryset(self) -> models.QuerySet:
        goals = Goal.objects.select_related("outcome").prefetch_related("actions", "sustain_checks")
        return super().get_queryset().prefetch_related(Prefetch("goals", goals))

    def create_record(self, data: dict[str, Any]) -> models.Model:
        return services.plan_agree(**data)


class ReadThroughPlans(CreatesOnly):
    """Records of a case plan that name no household themselves: a read exposes the people of the plan's
    household (`plan_of`)."""

    def plan_of(self, record: models.Model) -> int:
        raise NotImplementedError

    def log_read(self, action: str, records: Sequence[models.Model]) -> None:
        plans = sorted({self.plan_of(r) for r in records})
        audit.access_record(
            user=self.request.user,
            route=AccessLog.Route.API,
            action=action,
            resource=self.model._meta.label_lower,
            object_ids=[r.pk for r in records],
            person_ids=audit.people_exposed_by(CasePlan, plans),
            query=self.request.META.get("QUERY_STRING", ""),
            purpose=self.request.headers.get("X-Purpose", ""),
            client_address=client_address(self.request),
        )


class ReviewViewSet(ReadThroughPlans):
    """Reviews of case plans; a review sets the plan's next review date."""

    model = Review
    serializer_class = s.ReviewSerializer
    writes = "case"
    filterset_class = filterset(
        Review,
        ids={"plan": "plan", "household": "plan__household", "ward": "plan__household__ward"},
        dates=("reviewed_on", "next_review_on"),
    )
    ordering_fields = ["reviewed_on"]

    def plan_of(self, record: models.Model) -> int:
        return cast(Review, record).plan_id

    def create_record(self, data: dict[str, Any]) -> models.Model:
        return services.review_record(**data, reviewer=self.me())


class GoalViewSet(ReadThroughPlans):
    """Goals of case plans: added to an open plan, their progress recorded (achieved on a day, not achieved,
    or working towards), and, once the case has closed, whether an achieved goal was sustained."""

    model = Goal
    serializer_class = s.PlanGoalSerializer
    writes = "case"
    action_writes = {"progress": "case", "sustained": "case"}
    related = ("outcome", "plan")
    filterset_class = filterset(
        Goal,
        ids={"plan": "plan", "household": "plan__household", "ward": "plan__household__ward"},
        exact=("status",),
        dates=("review_on", "achieved_on"),
    )
    ordering_fields = ["review_on"]

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().prefetch_related("actions", "sustain_checks")

    def get_serializer_class(self) -> Any:
        return {"progress": s.GoalProgressSerializer, "sustained": s.SustainCheckEntrySerializer}.get(
            self.action, s.PlanGoalSerializer
        )

    def plan_of(self, record: models.Model) -> int:
        return cast(Goal, record).plan_id

    def create_record(self, data: dict[str, Any]) -> models.Model:
        return services.goal_add(**data)

    @extend_schema(
        request=s.GoalProgressSerializer,
        responses={200: s.PlanGoalSerializer},
        description="Record the goal's progress: achieved (with the day), not achieved, or working towards.",
    )
    @action(detail=True, methods=["post"])
    def progress(self, request: Request, pk: str) -> Response:
        return self.act(request, lambda goal, data: services.goal_update(goal=goal, **data))

    @extend_schema(
        request=s.SustainCheckEntrySerializer,
        responses={201: s.PlanGoalSerializer},
        description="Record whether an achieved goal was sustained 6 or 12 months after the case closed.",
    )
    @action(detail=True, methods=["post"])
    def sustained(self, request: Request, pk: str) -> Response:
        return self.act(
            request, lambda goal, data: services.sustain_check_record(goal=goal, **data).goal, created=True
        )


class PlanActionViewSet(ReadThroughPlans):
    """Actions towards the goals of case plans, each owned by an agency: added while the plan is open, and
    marked done on a day (or not done after all)."""

    model = PlanAction
    serializer_class = s.PlanActionEntrySerializer
    writes = "case"
    action_writes = {"done": "case"}
    related = ("goal", "agency")
    filterset_class = filterset(
        PlanAction,
        ids={
            "goal": "goal",
            "plan": "goal__plan",
            "household": "goal__plan__household",
            "agency": "agency",
            "ward": "goal__plan__household__ward",
        },
        dates=("due_on", "done_on"),
    )
    ordering_fields = ["due_on"]

    def get_serializer_class(self) -> Any:
        return s.ActionDoneSerializer if self.action == "done" else s.PlanActionEntrySerializer

    def plan_of(self, record: models.Model) -> int:
        return cast(PlanAction, record).goal.plan_id

    def create_record(self, data: dict[str, Any]) -> models.Model:
        return services.action_add(**data)

    @extend_schema(
        request=s.ActionDoneSerializer,
        responses={200: s.PlanActionEntrySerializer},
        description="Mark the action done on a day, or (done_on null) not done after all.",
    )
    @action(detail=True, methods=["post"])
    def done(self, request: Request, pk: str) -> Response:
        return self.act(
            request, lambda item, data: services.action_update(action=item, done_on=data["done_on"])
        )


class TaskViewSet(CreatesOnly):
    """Your tasks and your team's: raised from the records' dates by the daily job, or added by hand."""

    model = Task
    serializer_class = s.TaskSerializer
    writes = "task"
    read_roles = frozenset(scoping.WRITES["task"])
    action_writes = {"done": "task"}
    related = ("team",)
    filterset_class = filterset(
        Task,
        ids={"household": "household", "property": "property", "team": "team", "assignee": "assignee"},
        exact=("status",),
        dates=("due_on", "done_on"),
        kind=char("kind", "What raised the task: s208_notice, consent_expiry, plan_review, manual..."),
    )
    ordering_fields = ["due_on", "created_at"]

    def get_serializer_class(self) -> Any:
        return s.TaskDoneSerializer if self.action == "done" else s.TaskSerializer

    def create_record(self, data: dict[str, Any]) -> models.Model:
        return services.task_create(**data, created_by=self.me())

    @extend_schema(
        request=s.TaskDoneSerializer,
        responses={200: s.TaskSerializer},
        description="Mark the task done on a day; marking it again changes nothing.",
    )
    @action(detail=True, methods=["post"])
    def done(self, request: Request, pk: str) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            task = cast(Task, self.get_object())
            task = services.task_complete(task=task, by=self.me(), on=serializer.validated_data["done_on"])
            data = s.TaskSerializer(task, context=self.get_serializer_context()).data
        return Response(data, headers={"ETag": etag_of(task)})

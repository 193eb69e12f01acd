"""The referral inbox of the caller's agency, links between records of one person, and the review queue
of likely duplicate people."""

from typing import Any, cast

from django.db import models, transaction
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from households import duplicates, linking
from households.models import PersonLink
from interventions import services as intervention_services
from interventions.models import Referral
from taskforce.org import audit, scoping
from taskforce.org.models import AccessLog

from .. import people_serializers as ps
from ..filters import filterset, refuse_unknown
from ..permissions import RoleAllowed
from .base import PURPOSE, AuditedReads, client_address


class DuplicatesFound(APIException):
    """409: the person resembles people already recorded; resend with confirm_distinct, or link."""

    status_code = 409
    default_code = "possible_duplicates"

    def __init__(self, matches: list[duplicates.Match]) -> None:
        super().__init__()
        self.detail = cast(
            Any,
            {
                "detail": "This may be someone already recorded. Check the records listed; if this is a "
                "different person, send the request again with confirm_distinct set to true.",
                "possible_duplicates": ps.MatchSerializer(matches, many=True).data,
            },
        )


class ReferralInboxViewSet(AuditedReads):
    """Referrals sent to your agency (of those you may see): waiting, accepted or declined, with days waiting.
    Accept (allocating a worker in your agency) or decline (with a reason) one still waiting."""

    model = Referral
    serializer_class = ps.ReferralInboxSerializer
    writes = "referral_answer"
    action_writes = {"accept": "referral_answer", "decline": "referral_answer"}
    related = ("household",)
    filterset_class = filterset(
        Referral,
        ids={"from_agency": "from_agency", "household": "household", "allocated_to": "allocated_to"},
        exact=("status",),
        dates=("sent_on", "responded_on"),
    )
    ordering_fields = ["sent_on", "responded_on"]

    def get_queryset(self) -> models.QuerySet:
        return (
            Referral.objects.inbox_of(self.request.user).select_related("household").order_by("sent_on", "pk")
        )

    def get_serializer_context(self) -> dict[str, Any]:
        return super().get_serializer_context() | {"today": timezone.localdate()}

    def get_serializer_class(self) -> Any:
        return {
            "accept": ps.ReferralAcceptSerializer,
            "decline": ps.ReferralDeclineSerializer,
        }.get(self.action, ps.ReferralInboxSerializer)

    def _answered(self, referral: Referral) -> Response:
        fresh = self.get_queryset().get(pk=referral.pk)
        return Response(ps.ReferralInboxSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(request=ps.ReferralAcceptSerializer, responses={200: ps.ReferralInboxSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            referral = intervention_services.referral_accept(
                referral=cast(Referral, self.get_object()),
                worker=serializer.validated_data["worker"],
                on=serializer.validated_data.get("on") or timezone.localdate(),
            )
            return self._answered(referral)

    @extend_schema(request=ps.ReferralDeclineSerializer, responses={200: ps.ReferralInboxSerializer})
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            referral = intervention_services.referral_decline(
                referral=cast(Referral, self.get_object()),
                reason=serializer.validated_data["reason"],
                on=serializer.validated_data.get("on") or timezone.localdate(),
            )
            return self._answered(referral)


class PersonLinkViewSet(mixins.CreateModelMixin, AuditedReads):
    """Links between two records of one person (never a merge), or records marked as different people.
    Undo a link with POST .../undo/: it stays on record with who undid it and when."""

    model = PersonLink
    serializer_class = ps.PersonLinkSerializer
    writes = "person_link"
    action_writes = {"undo": "person_link"}
    filterset_class = filterset(PersonLink, ids={"person": "person", "other": "other"}, exact=("kind",))
    ordering_fields = ["recorded_on"]

    def log_read(self, action: str, records: Any) -> None:
        # A link shows both of its people.
        audit.access_record(
            user=self.request.user,
            route=AccessLog.Route.API,
            action=action,
            resource=self.model._meta.label_lower,
            object_ids=[r.pk for r in records],
            person_ids=sorted({p for r in records for p in (r.person_id, r.other_id)}),
            query=self.request.META.get("QUERY_STRING", ""),
            purpose=self.request.headers.get("X-Purpose", ""),
            client_address=client_address(self.request),
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with transaction.atomic():
            link = linking.person_link_record(
                person=data["person"],
                other=data["other"],
                kind=data["kind"],
                reason=data.get("reason", ""),
                recorded_by=scoping.signed_in(request.user),
                on=timezone.localdate(),
            )
            return Response(self.get_serializer(link).data, status=status.HTTP_201_CREATED)

    def get_serializer_class(self) -> Any:
        return ps.PersonLinkUndoSerializer if self.action == "undo" else ps.PersonLinkSerializer

    @extend_schema(request=ps.PersonLinkUndoSerializer, responses={200: ps.PersonLinkSerializer})
    @action(detail=True, methods=["post"])
    def undo(self, request: Request, pk: str) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            link = linking.person_link_undo(
                link=cast(PersonLink, self.get_object()),
                undone_by=scoping.signed_in(request.user),
                on=timezone.localdate(),
                reason=serializer.validated_data["reason"],
            )
            return Response(ps.PersonLinkSerializer(link, context=self.get_serializer_context()).data)


class PossibleDuplicateViewSet(viewsets.GenericViewSet):
    """The review queue: pairs of people you may see who are likely one person, best first, leaving out
    pairs already linked or marked as different people. Decide on a pair through person-links."""

    permission_classes = [permissions.IsAuthenticated, RoleAllowed]
    read_roles = scoping.CASE_ROLES
    serializer_class = ps.PossibleDuplicateSerializer
    pagination_class = None
    filter_backends: list[Any] = []

    def get_queryset(self) -> models.QuerySet:
        return PersonLink.objects.none()  # the pairs are computed, not stored

    @extend_schema(parameters=[PURPOSE], responses={200: ps.PossibleDuplicateSerializer(many=True)})
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        refuse_unknown(request, set())  # the queue takes no filters: a misspelt one must not pass unseen
        with transaction.atomic():
            pairs = duplicates.review_queue(request.user)
            audit.access_record(
                user=request.user,
                route=AccessLog.Route.API,
                action=AccessLog.Action.LIST,
                resource="households.person",
                object_ids=sorted({p.pk for pair in pairs for p in (pair.person, pair.other)}),
                person_ids=sorted({p.pk for pair in pairs for p in (pair.person, pair.other)}),
                query=request.META.get("QUERY_STRING", ""),
                purpose=request.headers.get("X-Purpose", ""),
                client_address=client_address(request),
            )
            return Response(self.get_serializer(pairs, many=True).data)

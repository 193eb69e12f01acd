"""The data protection officer's registers, read-only: subject access requests with their deadlines, and
information-sharing agreements. Written through the workspace's pages (privacy/)."""

from django.db import models
from django.utils import timezone
from rest_framework import serializers

from privacy.models import SharingAgreement, SubjectAccessRequest
from taskforce.org.models import StaffProfile

from ..filters import filterset
from ..serializers import ModelSerializer
from .base import AuditedReads

DPO = frozenset({StaffProfile.Role.DATA_PROTECTION_OFFICER})


class SubjectAccessRequestSerializer(ModelSerializer):
    due_on = serializers.DateField(read_only=True, help_text="One month after receipt; three when extended.")
    overdue = serializers.SerializerMethodField(help_text="Not released and past its due date.")

    class Meta:
        model = SubjectAccessRequest
        fields = [
            "id",
            "reference",
            "requester",
            "person",
            "received_on",
            "identity_checked",
            "extended",
            "extension_reason",
            "due_on",
            "overdue",
            "status",
            "gathered_at",
            "reviewed_at",
            "released_on",
        ]

    def get_overdue(self, sar: SubjectAccessRequest) -> bool:
        return sar.is_overdue(timezone.localdate())


class SharingAgreementSerializer(ModelSerializer):
    in_force = serializers.SerializerMethodField()

    class Meta:
        model = SharingAgreement
        fields = [
            "id",
            "title",
            "partner",
            "parties",
            "purpose",
            "gateway",
            "starts_on",
            "ends_on",
            "review_on",
            "in_force",
        ]

    def get_in_force(self, agreement: SharingAgreement) -> bool:
        return agreement.in_force(timezone.localdate())


class SubjectAccessRequestViewSet(AuditedReads):
    """Subject access requests, for the data protection officer: received, gathered, reviewed, released."""

    model = SubjectAccessRequest
    read_roles = DPO
    serializer_class = SubjectAccessRequestSerializer
    filterset_class = filterset(
        SubjectAccessRequest, ids={"person": "person"}, exact=("status",), dates=("received_on",)
    )
    ordering_fields = ["received_on"]


class SharingAgreementViewSet(AuditedReads):
    """The register of information-sharing agreements, for the data protection officer."""

    model = SharingAgreement
    read_roles = DPO
    serializer_class = SharingAgreementSerializer
    filterset_class = filterset(SharingAgreement, ids={"partner": "partner"}, exact=("gateway",))
    ordering_fields = ["starts_on"]

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().prefetch_related("parties")

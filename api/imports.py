"""Bulk imports: upload a CSV file (checked at once), commit it (written by a job), follow its progress."""

from typing import Any

import django_filters
from django.db import models
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from imports.kinds import KINDS
from imports.models import ImportBatch
from imports.querysets import ImportBatchQuerySet, kinds_for
from imports.services import ImportRefused, batch_commit, batch_upload
from imports.uploads import UploadTooLarge, refusal
from jobs.models import Job
from taskforce.org import scoping

from .filters import filterset

ID_IN_PATH = r"[0-9]{1,18}"


class ImportProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(
        help_text="Row number as a spreadsheet shows it; 0 for the file as a whole."
    )
    column = serializers.CharField()
    value = serializers.CharField(allow_blank=True)
    rule = serializers.CharField()


class ImportJobSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = Job
        fields = ["id", "state", "total", "done", "percent", "message", "errors", "attempts"]
        read_only_fields = fields


class ImportBatchSerializer(serializers.ModelSerializer):
    # The batch's state: its stored status, or where the job writing it is.
    status = serializers.ChoiceField(
        source="state", choices=ImportBatch.State.choices, read_only=True, default=ImportBatch.State.UPLOADED
    )
    job = ImportJobSerializer(read_only=True, allow_null=True)
    problems = serializers.SerializerMethodField()
    already_imported_by = serializers.SerializerMethodField()

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "kind",
            "file_name",
            "sha256",
            "size",
            "status",
            "rows",
            "created",
            "updated",
            "unchanged",
            "problem_count",
            "problems",
            "already_imported_by",
            "job",
            "uploaded_at",
            "committed_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ImportProblemSerializer(many=True))
    def get_problems(self, batch: ImportBatch) -> list[dict[str, Any]]:
        return list(batch.report.get("problems", []))

    @extend_schema_field(
        serializers.IntegerField(allow_null=True, help_text="The batch that wrote this file.")
    )
    def get_already_imported_by(self, batch: ImportBatch) -> int | None:
        return batch.report.get("already_imported_by")


class ImportUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=sorted(KINDS))
    file = serializers.FileField(
        help_text="A CSV file, UTF-8; its columns for each kind are in docs/imports.md."
    )
    dry_run = serializers.BooleanField(
        default=False, help_text="Only check the file; commit it later with POST /imports/{id}/commit/."
    )
    # A declared field named like Field.source: the serializer's metaclass takes it out of the class.
    source = serializers.CharField(  # type: ignore[assignment]
        required=False, max_length=200, help_text="area-statistics: the source."
    )
    release = serializers.CharField(required=False, max_length=40, help_text="area-statistics: its edition.")
    vintage = serializers.IntegerField(
        required=False,
        min_value=1900,
        max_value=2100,
        help_text="area-statistics: boundary year of new areas.",
    )


def _in_state(queryset: ImportBatchQuerySet, name: str, value: str) -> ImportBatchQuerySet:
    return queryset.in_state(value)


ImportBatchFilterSet = filterset(
    ImportBatch,
    exact=("kind",),
    status=django_filters.ChoiceFilter(choices=ImportBatch.State.choices, method=_in_state),
)


@extend_schema_view(
    list=extend_schema(summary="Import batches you may see"),
    retrieve=extend_schema(summary="An import batch: its status, validation report and progress"),
)
class ImportBatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Bulk imports. Caseworkers import households, interventions and placements; housing officers
    properties, licences and inspections; ward managers every kind; policy leads area statistics only."""

    lookup_value_regex = ID_IN_PATH
    serializer_class = ImportBatchSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    ordering_fields = ["uploaded_at"]
    filterset_class = ImportBatchFilterSet

    def get_queryset(self) -> models.QuerySet:
        return ImportBatch.objects.visible_to(self.request.user).select_related("job")

    def check_permissions(self, request: Request) -> None:
        super().check_permissions(request)
        if not kinds_for(request.user):
            raise PermissionDenied("Your role cannot import files.")

    @extend_schema(
        summary="Upload a CSV file: every row is checked; unless dry_run, a good file is then written",
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            201: ImportBatchSerializer,
            413: OpenApiResponse(description="The file is over the size limit: nothing was kept."),
        },
    )
    def create(self, request: Request) -> Response:
        upload = ImportUploadSerializer(data=request.data)  # reading the body runs the size-limited handler
        refused = refusal(request._request)
        if refused is not None:
            return Response({"detail": str(refused)}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        if data["kind"] not in kinds_for(request.user):
            raise PermissionDenied(f"Your role cannot import {data['kind']}.")
        options = {k: data[k] for k in ("source", "release", "vintage") if k in data}
        try:
            batch = batch_upload(
                kind=data["kind"],
                file_name=data["file"].name,
                data=data["file"],
                uploaded_by=scoping.signed_in(request.user),
                dry_run=data["dry_run"],
                options=options,
            )
        except UploadTooLarge as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        batch = self.get_queryset().get(pk=batch.pk)
        return Response(ImportBatchSerializer(batch).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Write a checked batch (in a job); poll the batch for progress",
        request=None,
        responses={
            202: ImportBatchSerializer,
            400: OpenApiResponse(description="The batch has bad rows: correct the file and upload it again."),
            409: OpenApiResponse(description="The batch has already been written."),
        },
    )
    @action(detail=True, methods=["post"])
    def commit(self, request: Request, pk: str | None = None) -> Response:
        batch = self.get_object()
        try:
            batch_commit(batch=batch, requested_by=scoping.signed_in(request.user))
        except ImportRefused as exc:
            code = (
                status.HTTP_400_BAD_REQUEST
                if batch.status == ImportBatch.Status.INVALID
                else status.HTTP_409_CONFLICT
            )
            return Response({"detail": str(exc)}, status=code)
        batch = self.get_queryset().get(pk=batch.pk)
        return Response(ImportBatchSerializer(batch).data, status=status.HTTP_202_ACCEPTED)

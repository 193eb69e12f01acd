"""Serializers for the place endpoints: placing authorities, the Agreement register, boundaries and the
s208 intake."""

from typing import Any

from rest_framework import serializers

from households.models import (
    AgreementSignatory,
    Boundary,
    Membership,
    Placement,
    PlacementType,
    PlacingAuthority,
)
from taskforce.org.models import Agency, Area

from .serializers import CodeField, ModelSerializer, PropertySerializer, ScopedPrimaryKeyRelatedField


class PlacingAuthoritySerializer(ModelSerializer):
    signed_on = serializers.DateField(
        source="signatory.signed_on",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="When it signed the Margate Agreement; null if it has not.",
    )

    class Meta:
        model = PlacingAuthority
        fields = ["id", "gss_code", "name", "kind", "in_kent", "is_synthetic", "signed_on"]


class AgreementSignatorySerializer(ModelSerializer):
    authority = PlacingAuthoritySerializer(read_only=True)

    class Meta:
        model = AgreementSignatory
        fields = ["id", "authority", "signed_on", "commitments", "notes"]


class AgreementFiguresSerializer(serializers.Serializer):
    """One signatory's published figures: counts of 1 to 9 are "[c]", others rounded to the nearest 5."""

    authority = serializers.CharField()
    gss_code = serializers.CharField()
    in_kent = serializers.BooleanField()
    signed_on = serializers.DateField()
    commitments = serializers.CharField()
    before = serializers.JSONField(help_text='Placements before signing: a count or "[c]".')
    after = serializers.JSONField(help_text='Placements after signing: a count or "[c]".')
    per_year_before = serializers.JSONField(allow_null=True)
    per_year_after = serializers.JSONField(allow_null=True)
    on_time_rate_before = serializers.JSONField(allow_null=True, help_text="Percent of notices on time.")
    on_time_rate_after = serializers.JSONField(allow_null=True)


class BoundarySerializer(ModelSerializer):
    gss_code = serializers.CharField(source="area.gss_code", read_only=True)
    name = serializers.CharField(source="area.name", read_only=True)
    type = serializers.CharField(source="area.type", read_only=True)
    geometry = serializers.JSONField(
        read_only=True,
        help_text="GeoJSON Polygon or MultiPolygon in British National Grid (EPSG:27700) metres.",
    )

    class Meta:
        model = Boundary
        fields = ["id", "area", "gss_code", "name", "type", "geometry", "source"]


class IntakeMemberSerializer(serializers.Serializer):
    given_name = serializers.CharField(max_length=80)
    family_name = serializers.CharField(max_length=80)
    date_of_birth = serializers.DateField()
    relationship = serializers.ChoiceField(choices=Membership.Relationship.choices)
    nino = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)
    sex = serializers.CharField(required=False, allow_blank=True, default="")


class IntakeAddressSerializer(serializers.Serializer):
    address_line_1 = serializers.CharField(max_length=120)
    address_line_2 = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    postcode = serializers.CharField(max_length=8)
    uprn = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)


class S208NoticeSerializer(serializers.Serializer):
    """An s208 notice opening a case: either `accommodation` (a home on the system) or `address`."""

    case_reference = serializers.CharField(max_length=10)
    ward = ScopedPrimaryKeyRelatedField(queryset=Area.objects.filter(type=Area.Type.WARD))
    placing_authority = ScopedPrimaryKeyRelatedField(queryset=PlacingAuthority.objects.exclude(gss_code=""))
    type = CodeField(slug_field="code", queryset=PlacementType.objects.all())
    legal_basis = serializers.ChoiceField(choices=Placement.LegalBasis.choices)
    placed_on = serializers.DateField()
    notification_received_on = serializers.DateField()
    agencies = serializers.SlugRelatedField(slug_field="code", queryset=Agency.objects.all(), many=True)
    accommodation = ScopedPrimaryKeyRelatedField(
        queryset=PropertySerializer.Meta.model.objects.all(), required=False, allow_null=True, default=None
    )
    address = IntakeAddressSerializer(required=False, allow_null=True, default=None)
    members = IntakeMemberSerializer(many=True)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        placement: Placement = instance
        return {
            "household": placement.household_id,
            "case_reference": placement.household.case_reference,
            "placement": placement.pk,
            "accommodation": placement.accommodation_id,
            "notification_due_on": placement.notification_due_on,
            "deadline_met": placement.deadline_met(),
        }

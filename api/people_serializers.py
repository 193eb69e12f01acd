"""Serializers of the referral inbox and of duplicate people (links and likely matches)."""

from rest_framework import serializers

from households.models import PersonLink
from interventions.models import Referral
from taskforce.org.models import StaffProfile

from .serializers import ModelSerializer, PersonSerializer, ScopedPrimaryKeyRelatedField


class ReferralInboxSerializer(ModelSerializer):
    case_reference = serializers.CharField(source="household.case_reference", read_only=True)
    days_waiting = serializers.SerializerMethodField(
        help_text="Days from sending to the answer, or to today while the referral waits."
    )

    class Meta:
        model = Referral
        fields = [
            "id",
            "household",
            "case_reference",
            "person",
            "from_agency",
            "to_agency",
            "reason",
            "sent_on",
            "status",
            "responded_on",
            "allocated_to",
            "decline_reason",
            "days_waiting",
        ]
        read_only_fields = fields

    def get_days_waiting(self, referral: Referral) -> int:
        return referral.days_waiting(self.context["today"])


class ReferralAcceptSerializer(serializers.Serializer):
    worker = ScopedPrimaryKeyRelatedField(
        queryset=StaffProfile.objects.all(), help_text="Who in the receiving agency takes the referral."
    )
    on = serializers.DateField(required=False, help_text="Date accepted; today if left out.")


class ReferralDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, help_text="Why the referral is declined.")
    on = serializers.DateField(required=False, help_text="Date declined; today if left out.")


class PersonLinkSerializer(ModelSerializer):
    class Meta:
        model = PersonLink
        fields = [
            "id",
            "person",
            "other",
            "kind",
            "reason",
            "recorded_on",
            "recorded_by",
            "undone_on",
            "undone_by",
            "undo_reason",
        ]
        read_only_fields = ["recorded_on", "recorded_by", "undone_on", "undone_by", "undo_reason"]


class PersonLinkUndoSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, help_text="Why the link is undone.")


class MatchSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="person.pk")
    given_name = serializers.CharField(source="person.given_name")
    family_name = serializers.CharField(source="person.family_name")
    date_of_birth = serializers.DateField(source="person.date_of_birth")
    score = serializers.IntegerField(help_text="0-100: how alike the records are.")
    reasons = serializers.ListField(child=serializers.CharField())


class PossibleDuplicateSerializer(serializers.Serializer):
    person = PersonSerializer()
    other = PersonSerializer()
    score = serializers.IntegerField(help_text="0-100: how alike the records are.")
    reasons = serializers.ListField(child=serializers.CharField())


class DuplicatesFoundSerializer(serializers.Serializer):
    detail = serializers.CharField()
    possible_duplicates = MatchSerializer(many=True)

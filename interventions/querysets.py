"""Named reads of interventions and referrals. Both belong to a household and share its access scope."""

from typing import cast

from django.apps import apps
from django.db.models import Exists, OuterRef, Q

from households.querysets import HouseholdRecordQuerySet
from taskforce.org import scoping


class InterventionQuerySet(HouseholdRecordQuerySet):
    pass


class ReferralQuerySet(HouseholdRecordQuerySet):
    def inbox_of(self, user: scoping.User | None) -> "ReferralQuerySet":
        """Referrals sent to the user's own agency, among those the user may see."""
        profile = scoping.profile_of(user)
        if profile is None:
            return self.none()
        return cast(ReferralQuerySet, self.visible_to(user).filter(to_agency=profile.agency_id))

    def outside_basis(self) -> "ReferralQuerySet":
        """Referrals to an agency that no data-sharing basis of the household covered on the day it was sent."""
        covering = (
            apps.get_model("households", "DataSharingBasis")
            .objects.filter(household=OuterRef("household"), agencies=OuterRef("to_agency"))
            .filter(starts_on__lte=OuterRef("sent_on"))
            .filter(Q(expires_on__isnull=True) | Q(expires_on__gt=OuterRef("sent_on")))
            .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=OuterRef("sent_on")))
        )
        return self.filter(~Exists(covering))

"""Named reads of interventions and referrals. Both belong to a household and share its access scope."""

from households.querysets import HouseholdRecordQuerySet


class InterventionQuerySet(HouseholdRecordQuerySet):
    pass


class ReferralQuerySet(HouseholdRecordQuerySet):
    pass

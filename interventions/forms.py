"""Forms for interventions and referrals: presentation and parsing; interventions.services validates."""

from typing import Any

from households.models import Household, Person
from taskforce.org import scoping
from taskforce.org.forms import form_for
from taskforce.org.models import Agency, StaffProfile

from .models import Intervention, Referral, Service
from .services import INTERVENTION_FIELDS, REFERRAL_FIELDS


def _members(user: Any, household: Household) -> Any:
    return Person.objects.visible_to(user).filter(memberships__household=household).distinct()


class InterventionForm(
    form_for(Intervention, INTERVENTION_FIELDS)  # type: ignore[misc]  # a base class form_for makes at runtime
):
    widths = {"cost": "govuk-input--width-10"}

    def __init__(self, *args: Any, user: Any, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _members(user, household)
        self.fields["person"].empty_label = "The whole household"
        self.fields["person"].label = "Who it is for"
        self.fields["service"].queryset = Service.objects.filter(is_active=True).select_related("agency")
        self.fields["worker"].queryset = StaffProfile.objects.filter(
            role=StaffProfile.Role.CASEWORKER, wards=household.ward_id
        ).select_related("user", "agency")
        self.fields["worker"].empty_label = "Not assigned"
        self.fields["worker"].label = "Worker"
        self.fields["referred_on"].label = "Date referred"
        self.fields["started_on"].label = "Date started"
        self.fields["started_on"].help_text = "Leave empty until the work starts."
        self.fields["ended_on"].label = "Date ended"
        self.fields["ended_on"].help_text = "For a completed or withdrawn intervention."
        self.fields["outcome"].label = "Outcome"
        self.fields["outcome"].help_text = "Only for a completed intervention."
        self.fields["cost"].label = "Cost in pounds"
        self.fields["cost"].error_messages["invalid"] = "Cost must be an amount of money, like 120 or 120.50"
        self.fields["notes"].label = "Case notes (optional)"


class ReferralForm(
    form_for(Referral, REFERRAL_FIELDS)  # type: ignore[misc]  # a base class form_for makes at runtime
):
    def __init__(self, *args: Any, user: Any, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _members(user, household)
        self.fields["person"].empty_label = "The whole household"
        self.fields["person"].label = "Who it is for"
        own = getattr(scoping.profile_of(user), "agency_id", None)
        self.fields["to_agency"].queryset = (
            Agency.objects.exclude(pk=own) if own is not None else Agency.objects.all()
        )
        self.fields["to_agency"].label = "Agency referred to"
        self.fields["reason"].label = "Reason for the referral"
        self.fields["sent_on"].label = "Date sent"
        self.fields["responded_on"].label = "Date of the response"
        self.fields["responded_on"].help_text = "Once the agency has accepted or declined."
        self.fields["outcome"].label = "Outcome (optional)"

"""Forms for interventions and referrals: presentation and parsing; interventions.services validates."""

from typing import Any, cast

from django import forms

from households.models import DataSharingBasis, Household, Person
from taskforce.org import scoping
from taskforce.org.forms import DateField, GovukForm, form_for
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


class BasisExtendForm(GovukForm):
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.filter(kind=Agency.Kind.PARTNER),
        label="Agency to share with",
        empty_label="Choose an agency",
        error_messages={"required": "Choose the agency the household's data may now be shared with"},
    )
    basis = forms.ChoiceField(
        choices=DataSharingBasis.LawfulBasis.choices,
        widget=forms.RadioSelect,
        label="Gateway (lawful basis)",
        error_messages={"required": "Choose the gateway the sharing rests on"},
    )
    agreed_by = forms.CharField(
        max_length=160,
        label="Who agreed",
        help_text="The person consenting, or the officer who decided on the gateway.",
        error_messages={"required": "Enter who agreed to the sharing"},
    )
    agreed_on = DateField(label="Date agreed", help_text="For example, 1 10 2010. Sharing starts that day.")
    expires_on = DateField(label="Expiry date (optional)", required=False)

    def __init__(self, *args: Any, user: Any, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.user.get_full_name() or obj.user.get_username()


class ReferralAcceptForm(GovukForm):
    worker = StaffChoiceField(
        queryset=StaffProfile.objects.none(),
        label="Allocate to",
        empty_label="Choose a worker",
        error_messages={"required": "Choose who in your agency takes the referral"},
    )
    on = DateField(label="Date accepted")

    def __init__(self, *args: Any, user: Any, referral: Referral, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["worker"]).queryset = StaffProfile.objects.filter(
            agency=referral.to_agency_id,
            role__in=[StaffProfile.Role.CASEWORKER, StaffProfile.Role.WARD_MANAGER],
            user__is_active=True,
        ).select_related("user")


class ReferralDeclineForm(GovukForm):
    reason = forms.CharField(
        max_length=200,
        label="Why the referral is declined",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the referral is declined"},
    )
    on = DateField(label="Date declined")

    def __init__(self, *args: Any, user: Any, referral: Referral, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

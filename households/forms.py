"""Forms for households, people, homes and housing records: presentation and parsing only. Each feeds one
service in households.services, which validates the record as a whole."""

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator

from taskforce.org import scoping
from taskforce.org.forms import DateField, GovukForm, form_for
from taskforce.org.models import Agency, Area, StaffProfile
from taskforce.org.validators import UPRN_MAX, normalise_nino, validate_nino

from .models import (
    DataSharingBasis,
    EnforcementAction,
    Hazard,
    HazardFinding,
    Household,
    Inspection,
    Licence,
    LicensingDesignation,
    Membership,
    Person,
    Placement,
    PlacementType,
    PlacingAuthority,
    Property,
)
from .models.housing import MAX_CIVIL_PENALTY
from .services import (
    DATA_SHARING_BASIS_FIELDS,
    DESIGNATION_FIELDS,
    ENFORCEMENT_ACTION_FIELDS,
    HAZARD_FINDING_FIELDS,
    HOUSEHOLD_FIELDS,
    INSPECTION_FIELDS,
    LICENCE_FIELDS,
    MEMBERSHIP_FIELDS,
    PERSON_FIELDS,
    PLACEMENT_FIELDS,
    PROPERTY_FIELDS,
)


def user_wards(user: Any) -> Any:
    profile = scoping.profile_of(user)
    return Area.objects.filter(staff=profile) if profile else Area.objects.none()


def caseworkers_in(wards: Any) -> Any:
    """Caseworkers with an active account who work in any of `wards`: who may be a key worker there."""
    return (
        StaffProfile.objects.filter(role=StaffProfile.Role.CASEWORKER, wards__in=wards, user__is_active=True)
        .select_related("user", "agency")
        .order_by("user__last_name", "user__first_name", "user__username")
        .distinct()
    )


def staff_name(profile: StaffProfile) -> str:
    return profile.user.get_full_name() or profile.user.get_username()


class PropertyByUprnField(forms.CharField):
    """A home picked by its UPRN, among the properties the user may see."""

    def __init__(self, *, queryset: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("label", "UPRN of the home")
        kwargs.setdefault(
            "help_text", "The Unique Property Reference Number: up to 12 digits, for example 100062617311."
        )
        super().__init__(**kwargs)
        self.queryset = queryset if queryset is not None else Property.objects.none()
        self.error_messages["required"] = "Enter the UPRN of the home"

    def clean(self, value: Any) -> Property | None:
        text = (super().clean(value) or "").replace(" ", "")
        if not text:
            return None
        if not text.isdigit() or int(text) > UPRN_MAX:
            raise ValidationError("A UPRN is up to 12 digits, for example 100062617311")
        found = self.queryset.filter(uprn=int(text)).first()
        if found is None:
            raise ValidationError(
                "No property with this UPRN in your wards: ask a housing officer to register it first"
            )
        return found

    def prepare_value(self, value: Any) -> Any:
        return value.uprn if isinstance(value, Property) else value


class AgenciesMixin:
    """Agencies a data-sharing basis covers: the task force partners, as checkboxes."""

    def setup_agencies(self, user: Any) -> None:
        field = self.fields["agencies"]  # type: ignore[attr-defined]
        field.queryset = Agency.objects.filter(kind=Agency.Kind.PARTNER)
        field.widget = forms.CheckboxSelectMultiple(choices=field.choices)
        field.error_messages["required"] = "Select at least one agency the basis covers"
        self.user_agency = getattr(scoping.profile_of(user), "agency", None)

    def check_own_agency(self, agencies: Any) -> None:
        """A caseworker who leaves out their own agency would lose sight of the case on saving."""
        if agencies is not None and self.user_agency is not None and self.user_agency not in agencies:
            self.add_error(  # type: ignore[attr-defined]
                "agencies",
                f"Include your own agency ({self.user_agency}) or you will no longer see this case",
            )


class HouseholdCreateForm(
    AgenciesMixin,
    form_for(Household, ["case_reference", "ward", "opened_on", "key_worker"]),  # type: ignore[misc]  # a base class form_for makes at runtime
):
    basis = forms.ChoiceField(
        label="Lawful basis for sharing the household's data",
        choices=DataSharingBasis.LawfulBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the lawful basis for sharing the household's data"},
    )
    agencies = forms.ModelMultipleChoiceField(
        label="Agencies the basis covers", queryset=Agency.objects.none(), help_text="Select all that apply."
    )
    widths = {"case_reference": "govuk-input--width-10"}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case_reference"].help_text = "MTF- and six digits, for example MTF-000123."
        self.fields["ward"].queryset = user_wards(user)
        self.fields["ward"].empty_label = None
        self.fields["key_worker"].queryset = (
            StaffProfile.objects.filter(role=StaffProfile.Role.CASEWORKER, wards__in=user_wards(user))
            .select_related("user", "agency")
            .distinct()
        )
        self.fields["key_worker"].empty_label = "Unassigned"
        self.fields["opened_on"].label = "Date the case opened"
        self.fields["opened_on"].help_text = "For example, 27 9 2010"
        self.setup_agencies(user)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.check_own_agency(cleaned.get("agencies"))
        return cleaned


class HouseholdEditForm(form_for(Household, HOUSEHOLD_FIELDS)):  # type: ignore[misc]  # a base class form_for makes at runtime
    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = user_wards(user)
        self.fields["ward"].empty_label = None
        self.fields["opened_on"].label = "Date the case opened"
        self.fields["closed_on"].label = "Date the case closed"
        self.fields[
            "closed_on"
        ].help_text = "Only for a closed case. Closing it ends every current membership and the current home on this date."
        self.fields["closure_reason"].help_text = "Only for a closed case."

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("status") == Household.Status.CLOSED:
            if not cleaned.get("closed_on") and "closed_on" not in self.errors:
                self.add_error("closed_on", "Enter the date the case closed")
            if not cleaned.get("closure_reason"):
                self.add_error("closure_reason", "Select the reason for closing the case")
        if cleaned.get("status") == Household.Status.OPEN:
            cleaned["closure_reason"] = ""  # a reopened case has no reason for closing
        return cleaned


class PersonForm(form_for(Person, PERSON_FIELDS)):  # type: ignore[misc]  # a base class form_for makes at runtime
    nino = forms.CharField(
        label="National Insurance number", required=False, max_length=20, validators=[validate_nino]
    )
    widths = {"nino": "govuk-input--width-10"}

    def clean_nino(self) -> str | None:
        """Typed with or without spaces, in any case; the service checks the number itself."""
        return normalise_nino(self.cleaned_data["nino"]) or None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.pop("user", None)
        super().__init__(*args, **kwargs)
        self.fields["given_name"].label = "Given name"
        self.fields["given_name"].error_messages["required"] = "Enter the given name"
        self.fields["family_name"].label = "Family name"
        self.fields["family_name"].error_messages["required"] = "Enter the family name"
        self.fields["date_of_birth"].label = "Date of birth"
        self.fields["date_of_birth"].help_text = "For example, 31 3 1980"
        self.fields[
            "nino"
        ].help_text = "Optional. It's on the National Insurance card, for example AB 12 34 56 C."
        self.fields["sex"].required = False
        self.fields["sex"].widget = forms.RadioSelect(choices=Person.Sex.choices)
        self.fields["sex"].choices = [*Person.Sex.choices, ("", "Not recorded")]
        self.fields["sex"].widget.choices = self.fields["sex"].choices


class MemberAddForm(PersonForm):
    relationship = forms.ChoiceField(
        label="Relationship to the head of household",
        choices=Membership.Relationship.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the relationship to the head of household"},
    )
    joined_on = DateField(label="Date they joined the household", help_text="For example, 1 10 2010")


class MembershipForm(form_for(Membership, MEMBERSHIP_FIELDS)):  # type: ignore[misc]  # a base class form_for makes at runtime
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.pop("user", None)
        super().__init__(*args, **kwargs)
        self.fields["relationship"].label = "Relationship to the head of household"
        self.fields["joined_on"].label = "Date they joined the household"
        self.fields["left_on"].label = "Date they left the household"
        self.fields["left_on"].help_text = "Leave empty while they are still a member."


class MoveForm(GovukForm):
    property = PropertyByUprnField()
    moved_in = DateField(label="Date they moved in", help_text="For example, 14 2 2011")
    widths = {"property": "govuk-input--width-20"}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(PropertyByUprnField, self.fields["property"]).queryset = Property.objects.addressable_by(user)


class SharingBasisForm(
    AgenciesMixin,
    form_for(DataSharingBasis, DATA_SHARING_BASIS_FIELDS),  # type: ignore[misc]  # a base class form_for makes at runtime
):
    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["basis"].label = "Lawful basis"
        self.fields["basis"].widget = forms.RadioSelect(choices=self.fields["basis"].choices)
        self.fields["agencies"].label = "Agencies it covers"
        self.fields["starts_on"].label = "Start date"
        self.fields["expires_on"].label = "Expiry date"
        self.fields["expires_on"].help_text = "Optional. Consent is usually reviewed after 12 months."
        self.fields["withdrawn_on"].label = "Date withdrawn"
        self.fields["withdrawn_on"].help_text = "Only if the basis has been withdrawn."
        self.fields["agreed_by"].label = "Who agreed (optional)"
        self.fields[
            "agreed_by"
        ].help_text = "The person consenting, or the officer who decided on the gateway."
        self.setup_agencies(user)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.check_own_agency(cleaned.get("agencies"))
        return cleaned


class PlacementForm(form_for(Placement, PLACEMENT_FIELDS)):  # type: ignore[misc]  # a base class form_for makes at runtime
    accommodation = PropertyByUprnField(
        label="UPRN of the accommodation", required=False, help_text="Optional. Where they were placed."
    )
    widths = {"accommodation": "govuk-input--width-20"}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["placing_authority"].queryset = PlacingAuthority.objects.exclude(gss_code="")
        self.fields["placing_authority"].label = "Placing authority"
        self.fields["type"].queryset = PlacementType.objects.all()
        self.fields["type"].label = "Type of placement"
        self.fields["legal_basis"].label = "Legal basis"
        self.fields["placed_on"].label = "Date placed"
        self.fields["ended_on"].label = "Date the placement ended"
        self.fields["ended_on"].help_text = "Leave empty while it continues."
        self.fields["notification_received_on"].label = "Date the notification was received"
        self.fields[
            "notification_received_on"
        ].help_text = (
            "Section 208 of the Housing Act 1996: within 14 days of the accommodation being made available."
        )
        self.fields["accommodation"].queryset = Property.objects.addressable_by(user)


# Housing officers


class PropertyForm(form_for(Property, PROPERTY_FIELDS)):  # type: ignore[misc]  # a base class form_for makes at runtime
    widths = {
        "uprn": "govuk-input--width-20",
        "postcode": "govuk-input--width-10",
        "town": "govuk-!-width-two-thirds",
    }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["uprn"].widget = forms.TextInput(
            attrs={"class": "govuk-input govuk-input--width-20", "inputmode": "numeric"}
        )
        self.fields["uprn"].help_text = "Optional. Up to 12 digits."
        self.fields["uprn"].error_messages["invalid"] = "A UPRN is up to 12 digits, for example 100062617311"
        self.fields["address_line_1"].label = "Address line 1"
        self.fields["address_line_1"].error_messages["required"] = (
            "Enter address line 1, typically the building and street"
        )
        self.fields["address_line_2"].label = "Address line 2 (optional)"
        self.fields["postcode"].error_messages["required"] = "Enter the postcode"
        self.fields["area"].label = "Ward"
        self.fields["area"].help_text = ""
        self.fields["area"].queryset = user_wards(user)
        self.fields["area"].empty_label = None
        self.fields["is_hmo"].label = "It is a house in multiple occupation (HMO)"
        self.fields["landlord"].label = "Landlord (optional)"


class LicenceForm(form_for(Licence, ("number", *LICENCE_FIELDS))):  # type: ignore[misc]  # a base class form_for makes at runtime
    field_order = ["scheme", "number"]
    widths = {
        "number": "govuk-input--width-20",
        "max_occupiers": "govuk-input--width-3",
        "max_households": "govuk-input--width-3",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.pop("user", None)
        super().__init__(*args, **kwargs)
        self.fields["number"].label = "Licence number"
        self.fields["holder"].label = "Licence holder"
        self.fields["starts_on"].label = "Start date"
        self.fields["expires_on"].label = "Expiry date"
        self.fields["expires_on"].help_text = "A licence lasts at most 5 years."
        self.fields["max_occupiers"].label = "Most people who may live there"
        self.fields["max_households"].label = "Most households who may live there"
        self.fields["manager"].label = "Manager (optional)"
        self.fields["manager"].help_text = "The person managing the house, where not the licence holder."
        self.fields["conditions"].label = "Conditions (optional)"
        self.fields["conditions"].help_text = "As granted: they appear on the public register."
        self.fields["decision"].label = "Decision"
        self.fields["revoked_on"].label = "Date revoked (optional)"
        self.fields["revoked_on"].help_text = "Only for a granted licence that has been revoked."


class DesignationForm(form_for(LicensingDesignation, DESIGNATION_FIELDS)):  # type: ignore[misc]  # a base class form_for makes at runtime
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.pop("user", None)
        super().__init__(*args, **kwargs)
        self.fields["scheme"].widget = forms.RadioSelect(choices=self.fields["scheme"].choices)
        wards = self.fields["wards"]
        wards.queryset = Area.objects.filter(type=Area.Type.WARD, is_target=True).order_by("name")
        wards.widget = forms.CheckboxSelectMultiple(choices=wards.choices)
        wards.label = "Wards it covers"
        wards.error_messages["required"] = "Select at least one ward the designation covers"
        self.fields["starts_on"].label = "Date it comes into force"
        self.fields["ends_on"].label = "Last day it has effect"
        self.fields["ends_on"].help_text = "At most five years after it comes into force."
        self.fields["description"].label = "Description (optional)"


# The officer is the housing officer who records the inspection.
class InspectionForm(form_for(Inspection, [name for name in INSPECTION_FIELDS if name != "officer"])):  # type: ignore[misc]  # a base class form_for makes at runtime
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.pop("user", None)
        super().__init__(*args, **kwargs)
        self.fields["inspected_on"].label = "Date of the inspection"
        self.fields["reason"].label = "Reason for the inspection"
        self.fields["notes"].label = "Notes (optional)"


class HazardFindingForm(form_for(HazardFinding, ("hazard", *HAZARD_FINDING_FIELDS))):  # type: ignore[misc]  # a base class form_for makes at runtime
    widths = {"score": "govuk-input--width-5"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.pop("user", None)
        super().__init__(*args, **kwargs)
        self.fields["hazard"].queryset = Hazard.objects.all()
        self.fields["hazard"].label = "HHSRS hazard"
        self.fields["score"].label = "HHSRS score"
        self.fields[
            "score"
        ].help_text = (
            "From the assessment. The band and category follow from it: 1,000 or more is Category 1."
        )
        self.fields["remedied_on"].label = "Date remedied"
        self.fields["remedied_on"].help_text = "Only for a remedied hazard."


CIVIL_PENALTY_RULE = (
    f"A civil penalty is more than £0 and at most £{MAX_CIVIL_PENALTY:,} (Housing Act 2004 s249A)"
)


class PoundsField(forms.DecimalField):
    """An amount of money typed in pounds, with or without a £ sign and thousands commas."""

    widget = forms.TextInput

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.strip().removeprefix("£").replace(",", "").strip()
        return super().to_python(value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "inputmode": "decimal", "spellcheck": "false"}


class FindingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: HazardFinding) -> str:
        return (
            f"{obj.hazard}: band {obj.band}, Category {obj.category}, "
            f"found {obj.inspection.inspected_on.day} {obj.inspection.inspected_on:%B %Y}"
        )


class EnforcementActionForm(form_for(EnforcementAction, ENFORCEMENT_ACTION_FIELDS)):  # type: ignore[misc]  # a base class form_for makes at runtime
    finding = FindingChoiceField(
        queryset=HazardFinding.objects.none(),
        required=False,
        label="Hazard it deals with (optional)",
        empty_label="Not about one hazard",
        help_text="A hazard recorded at one of this property's inspections.",
    )
    penalty_amount = PoundsField(
        label="Penalty amount",
        required=False,
        decimal_places=2,
        help_text=f"Only for a civil penalty: in pounds, at most £{MAX_CIVIL_PENALTY:,}.",
        validators=[
            MinValueValidator(Decimal("0.01"), CIVIL_PENALTY_RULE),
            MaxValueValidator(MAX_CIVIL_PENALTY, CIVIL_PENALTY_RULE),
        ],
        error_messages={
            "invalid": "Penalty amount must be an amount of money, like 5000 or 5,000.50",
            "max_decimal_places": "Penalty amount must be in pounds and pence, like 5000 or 5,000.50",
        },
    )
    widths = {"penalty_amount": "govuk-input--width-10"}

    def __init__(self, *args: Any, user: Any, home: Property, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].label = "Type of action"
        self.fields["type"].error_messages["required"] = "Select the type of action"
        self.fields["finding"].queryset = (
            HazardFinding.objects.visible_to(user)
            .filter(inspection__property=home)
            .select_related("hazard", "inspection")
            .order_by("-inspection__inspected_on", "-score", "pk")
        )
        self.fields["served_on"].label = "Date served"
        self.fields[
            "served_on"
        ].help_text = "When the notice or order was served, or proceedings began. For example, 1 6 2011"
        self.fields["status"].label = "Status"
        self.fields["status"].error_messages["required"] = "Select the status"
        self.fields["comply_by"].label = "Date it must be complied with by (optional)"
        self.fields["comply_by"].help_text = "As the notice or order states. For example, 1 7 2011"
        self.fields["complied_on"].label = "Date complied with"
        self.fields["complied_on"].help_text = "Only once it has been complied with."


class CaseworkerChoiceField(forms.ModelChoiceField):
    """A caseworker by name and agency, and with their wards when the choice spans several."""

    def __init__(self, *args: Any, show_wards: bool = False, **kwargs: Any) -> None:
        self.show_wards = show_wards
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: StaffProfile) -> str:
        label = f"{staff_name(obj)}, {obj.agency}"
        if self.show_wards:
            label += f" ({', '.join(w.name for w in obj.wards.all())})"
        return label


class KeyWorkerForm(GovukForm):
    key_worker = CaseworkerChoiceField(
        queryset=StaffProfile.objects.none(),
        required=False,
        label="Key worker",
        empty_label="No key worker (unassigned)",
    )

    def __init__(self, *args: Any, user: Any, household: Household, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ward = household.ward
        field = cast(CaseworkerChoiceField, self.fields["key_worker"])
        field.queryset = caseworkers_in([ward.pk])
        field.help_text = f"A caseworker in {ward.name}. Choose no key worker to leave the case unassigned."
        field.widget.attrs["aria-describedby"] = self._id("key_worker", "hint")
        # Only caseworkers in the ward are offered; any other answer breaks the key-worker rule.
        field.error_messages["invalid_choice"] = f"The key worker must be a caseworker in {ward.name}."


class CaseloadAssignForm(GovukForm):
    """Households picked on the caseload page, all to be given to one caseworker."""

    households = forms.ModelMultipleChoiceField(
        queryset=Household.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Households to assign",
        error_messages={
            "required": "Select the households to assign",
            "invalid_choice": "A selected household is no longer in your caseload: select the households again",
            "invalid_pk_value": "A selected household is no longer in your caseload: select the households again",
        },
    )
    key_worker = CaseworkerChoiceField(
        queryset=StaffProfile.objects.none(),
        show_wards=True,
        label="Assign the selected households to",
        empty_label="Choose a caseworker",
        error_messages={"required": "Select the caseworker to assign the households to"},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "assign")
        super().__init__(*args, **kwargs)
        households = cast(forms.ModelMultipleChoiceField, self.fields["households"])
        households.queryset = Household.objects.visible_to(user).select_related("ward")
        key_worker = cast(CaseworkerChoiceField, self.fields["key_worker"])
        key_worker.queryset = caseworkers_in(user_wards(user)).prefetch_related("wards")
        self.fields["key_worker"].error_messages["invalid_choice"] = (
            "Select one of the caseworkers in your wards"
        )

    def selected(self) -> set[int]:
        """Ids of the households ticked in the submitted form, to tick them again when it is shown back."""
        if not self.is_bound:
            return set()
        values = self.data.getlist(self.add_prefix("households"))  # type: ignore[attr-defined]
        return {int(v) for v in values if v.isdigit()}

"""The s208 intake form: the notice, the home and up to four members of the household, on one page."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from taskforce.org.forms import DateField, GovukForm
from taskforce.org.models import Agency, Area

from .forms import AgenciesMixin, PropertyByUprnField, user_wards
from .intake import IntakeAddress, IntakeMember
from .models import Membership, Placement, PlacementType, PlacingAuthority, Property

MEMBERS = 4
MEMBER_PARTS = ("given_name", "family_name", "date_of_birth", "nino", "relationship")


def _member_fields() -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {}
    for n in range(1, MEMBERS + 1):
        who = "Head of household" if n == 1 else f"Member {n} (optional)"
        fields[f"member_{n}_given_name"] = forms.CharField(label=f"{who}: given name", required=n == 1)
        fields[f"member_{n}_family_name"] = forms.CharField(label=f"{who}: family name", required=n == 1)
        fields[f"member_{n}_date_of_birth"] = DateField(label=f"{who}: date of birth", required=n == 1)
        fields[f"member_{n}_nino"] = forms.CharField(
            label=f"{who}: National Insurance number (optional)", required=False
        )
        if n > 1:
            fields[f"member_{n}_relationship"] = forms.ChoiceField(
                label=f"Member {n}: relationship to the head",
                choices=[("", ""), *(c for c in Membership.Relationship.choices if c[0] != "head")],
                required=False,
            )
    return fields


# The members' fields, made once; the form puts them after the notice and the home (field_order).
_MemberFields = type("_MemberFields", (GovukForm,), _member_fields())


class IntakeForm(AgenciesMixin, _MemberFields):  # type: ignore[valid-type,misc]  # a base class made at runtime
    case_reference = forms.CharField(
        label="Case reference", max_length=10, help_text="MTF- and six digits, for example MTF-000123."
    )
    ward = forms.ModelChoiceField(label="Ward", queryset=Area.objects.none(), empty_label=None)
    placing_authority = forms.ModelChoiceField(
        label="Placing authority",
        queryset=PlacingAuthority.objects.none(),
        help_text="The council that placed them.",
    )
    type = forms.ModelChoiceField(label="Type of placement", queryset=PlacementType.objects.all())
    legal_basis = forms.ChoiceField(label="Legal basis", choices=Placement.LegalBasis.choices)
    placed_on = DateField(label="Date placed", help_text="For example, 27 9 2010")
    notification_received_on = DateField(
        label="Date the s208 notice was received",
        help_text="Housing Act 1996 s208: due within 14 days of the accommodation being made available.",
    )
    agencies = forms.ModelMultipleChoiceField(
        label="Agencies the case is shared with (public task)",
        queryset=Agency.objects.none(),
        help_text="Select all that apply.",
    )
    accommodation = PropertyByUprnField(
        label="UPRN of the accommodation",
        required=False,
        help_text="If the home is on the system already. Otherwise give its address below.",
    )
    address_line_1 = forms.CharField(label="Address line 1 (a home not on the system)", required=False)
    address_line_2 = forms.CharField(label="Address line 2 (optional)", required=False)
    postcode = forms.CharField(label="Postcode", required=False, max_length=8)
    widths = {"case_reference": "govuk-input--width-10", "postcode": "govuk-input--width-10"}
    field_order = (
        "case_reference",
        "ward",
        "placing_authority",
        "type",
        "legal_basis",
        "placed_on",
        "notification_received_on",
        "agencies",
        "accommodation",
        "address_line_1",
        "address_line_2",
        "postcode",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = user_wards(user)
        self.fields["placing_authority"].queryset = PlacingAuthority.objects.exclude(gss_code="")
        self.fields["accommodation"].queryset = Property.objects.visible_to(user)
        self.setup_agencies(user)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self.check_own_agency(cleaned.get("agencies"))
        for n in range(2, MEMBERS + 1):
            given = [cleaned.get(f"member_{n}_{part}") for part in MEMBER_PARTS]
            if any(given) and not all(v for p, v in zip(MEMBER_PARTS, given, strict=True) if p != "nino"):
                self.add_error(
                    f"member_{n}_given_name", f"Give member {n}'s names, date of birth and relationship"
                )
        return cleaned

    def members(self) -> list[IntakeMember]:
        data = self.cleaned_data
        members = []
        for n in range(1, MEMBERS + 1):
            if not data.get(f"member_{n}_given_name"):
                continue
            members.append(
                IntakeMember(
                    given_name=data[f"member_{n}_given_name"],
                    family_name=data[f"member_{n}_family_name"],
                    date_of_birth=data[f"member_{n}_date_of_birth"],
                    nino=data[f"member_{n}_nino"] or None,
                    relationship="head" if n == 1 else data[f"member_{n}_relationship"],
                )
            )
        return members

    def address(self) -> IntakeAddress | None:
        data = self.cleaned_data
        if data.get("accommodation") is not None:
            return None
        return IntakeAddress(
            address_line_1=data.get("address_line_1", ""),
            address_line_2=data.get("address_line_2", ""),
            postcode=data.get("postcode", ""),
            area=data["ward"],
        )

    def add_service_errors(self, error: ValidationError) -> None:
        """The intake names `members.2.nino` and `address.postcode`; the form's fields are flat."""
        if hasattr(error, "error_dict"):
            flat: dict[str, list[str]] = {}
            for field, messages in error.message_dict.items():
                parts = field.split(".")
                if parts[0] == "members" and len(parts) == 3:
                    name = f"member_{parts[1]}_{parts[2]}"
                elif parts[0] == "address" and len(parts) == 2:
                    name = parts[1] if parts[1] in self.fields else "address_line_1"
                elif field == "members":
                    name = "member_1_given_name"
                elif field == "address":
                    name = "accommodation"
                else:
                    name = field
                flat.setdefault(name, []).extend(messages)
            error = ValidationError(flat)
        super().add_service_errors(error)

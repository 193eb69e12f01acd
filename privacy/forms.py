"""The workspace's forms: validation and messages only; the services decide."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from households.models import Household, Person
from taskforce.org.forms import DateField, GovukForm
from taskforce.org.models import AccessLog, Agency
from taskforce.org.validators import NINO_RE, normalise_nino

from .models import GATEWAYS, BreakGlassReview, RetentionAction


class PersonField(forms.CharField):
    """A person by record number or National Insurance number."""

    def clean(self, value: Any) -> Person | None:
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        if text.isdigit() and len(text) <= 18:
            person = Person.objects.filter(pk=int(text)).first()
        elif NINO_RE.match(normalise_nino(text)):
            person = Person.objects.filter(nino=normalise_nino(text)).first()
        else:
            raise forms.ValidationError("Enter a person's record number or National Insurance number")
        if person is None:
            raise forms.ValidationError("No person has this record number or National Insurance number")
        return person


class HouseholdField(forms.CharField):
    def clean(self, value: Any) -> Household | None:
        text = (super().clean(value) or "").strip().upper()
        if not text:
            return None
        household = Household.objects.filter(case_reference=text).first()
        if household is None:
            raise forms.ValidationError("No case has this reference: it looks like MTF-000123")
        return household


class AccessLogFilter(GovukForm):
    person = PersonField(
        required=False, label="Person", help_text="Record number or National Insurance number"
    )
    household = HouseholdField(required=False, label="Household", help_text="Case reference, e.g. MTF-000123")
    user = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(staff_profile__isnull=False).order_by("username"),
        required=False,
        empty_label="Anyone",
        label="Who read",
    )
    outcome = forms.ChoiceField(choices=[("", "Any"), *AccessLog.Outcome.choices], required=False)
    since = DateField(label="From", required=False, help_text="For example, 1 6 2026")
    until = DateField(label="To", required=False, help_text="For example, 15 6 2026")
    widths = {"person": "govuk-input--width-10", "household": "govuk-input--width-10"}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "The end date must be the same as or after the start date")
        return data


class SubjectAccessForm(GovukForm):
    requester = forms.CharField(label="Requester's name", max_length=160)
    received_on = DateField(label="Date received", help_text="For example, 3 6 2026")
    person = PersonField(
        required=False,
        label="Person the request is about",
        help_text="Record number or National Insurance number; leave empty if not yet found",
    )
    identity_checked = forms.BooleanField(required=False, label="Identity checked")
    identity_evidence = forms.CharField(
        required=False,
        max_length=200,
        label="How the identity was checked",
        help_text="For example, passport seen",
    )


class ExtendForm(GovukForm):
    extension_reason = forms.CharField(
        label="Why the request needs two more months", widget=forms.Textarea(attrs={"rows": 3})
    )


class IdentityForm(GovukForm):
    person = PersonField(
        label="Person the request is about", help_text="Record number or National Insurance number"
    )
    identity_evidence = forms.CharField(max_length=200, label="How the identity was checked")


class ReleaseForm(GovukForm):
    released_on = DateField(label="Date released", help_text="For example, 20 6 2026")


class BreakGlassReviewForm(GovukForm):
    finding = forms.ChoiceField(choices=BreakGlassReview.Finding.choices, widget=forms.RadioSelect)
    note = forms.CharField(label="Reasons for the finding", widget=forms.Textarea(attrs={"rows": 4}))


class RetentionProposeForm(GovukForm):
    method = forms.ChoiceField(
        choices=RetentionAction.Method.choices,
        widget=forms.RadioSelect,
        label="What to do",
        help_text="Anonymising keeps the case's dates, services and amounts for statistics; erasing removes it",
    )
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}))


class RetentionApproveForm(GovukForm):
    confirmation = forms.CharField(
        label="Type the case reference to confirm", max_length=10, help_text="For example, MTF-000123"
    )
    widths = {"confirmation": "govuk-input--width-10"}


class SharingAgreementForm(GovukForm):
    title = forms.CharField(max_length=160)
    partner = forms.ModelChoiceField(queryset=Agency.objects.filter(kind=Agency.Kind.PARTNER))
    parties = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.filter(kind=Agency.Kind.PARTNER),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Other parties",
    )
    purpose = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    gateway = forms.ChoiceField(choices=GATEWAYS, label="Lawful gateway")
    starts_on = DateField(label="Start date")
    ends_on = DateField(label="End date", required=False)
    review_on = DateField(label="Review date")


class PeriodForm(GovukForm):
    since = DateField(label="From")
    until = DateField(label="To")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "The end date must be the same as or after the start date")
        return data

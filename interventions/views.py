"""Form pages for interventions and referrals, on the household they belong to (see
households.views.case_records)."""

from typing import Any, cast
from urllib.parse import urlencode

from django.db import models
from django.forms import Form
from django.urls import reverse

from households import services as household_services
from households.models import DataSharingBasis, Household
from households.views.case_records import HouseholdFormView, section_url
from taskforce.org import audit, scoping

from . import forms, services
from .models import Intervention, Referral


class HouseholdRecordForm(HouseholdFormView):
    household: Household  # loaded from the URL before the page runs

    def get_form(self, data: Any = None) -> Form:
        return self.form_class(  # type: ignore[call-arg]
            data, initial=self.initial(), user=self.request.user, household=self.household
        )


class InterventionCreate(HouseholdRecordForm):
    form_class = forms.InterventionForm
    title = "Record an intervention"

    def save(self, data: dict[str, Any]) -> Intervention:
        return services.intervention_record(household=self.household, **data)

    def success_url(self, saved: models.Model) -> str:
        return section_url(self.household, "interventions")


class InterventionEdit(InterventionCreate):
    title = "Change the intervention"
    fields_from_instance = services.INTERVENTION_FIELDS
    instance: Intervention

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.instance = audit.visible_or_404(
            self.request,
            Intervention.objects.of_household(self.household, self.request.user),
            pk=kwargs["pk"],
        )

    def save(self, data: dict[str, Any]) -> Intervention:
        return services.intervention_update(intervention=self.instance, **data)


class ReferralCreate(HouseholdRecordForm):
    form_class = forms.ReferralForm
    title = "Record a referral"
    template_name = "interventions/referral_form.html"
    # Set when the referral is refused as outside the household's data-sharing basis.
    refused: services.OutsideBasis | None = None

    def initial(self) -> dict[str, Any]:
        # Back from recording an extended basis, the referral form starts where the user left it.
        given = {key: self.request.GET[key] for key in ("to_agency", "reason") if self.request.GET.get(key)}
        return super().initial() | given

    def save(self, data: dict[str, Any]) -> Referral:
        agency = scoping.profile_of(self.request.user).agency  # type: ignore[union-attr]
        try:
            return services.referral_send(household=self.household, from_agency=agency, **data)
        except services.OutsideBasis as refusal:
            self.refused = refusal
            self.refused_reason = data.get("reason", "")
            raise

    def extend_url(self) -> str:
        if self.refused is None:
            return ""
        query = urlencode({"agency": self.refused.agency.pk, "reason": self.refused_reason})
        return f"{reverse('interventions:basis_extend', args=[self.household.pk])}?{query}"

    def success_url(self, saved: models.Model) -> str:
        return section_url(self.household, "referrals")


class BasisExtend(HouseholdRecordForm):
    """Record a further data-sharing basis so that one more agency is covered: who agreed, when, and on
    what gateway. Then back to the referral, with the agency chosen."""

    form_class = forms.BasisExtendForm
    title = "Record an extended data-sharing basis"
    button = "Record the extended basis"

    def initial(self) -> dict[str, Any]:
        return {"agency": self.request.GET.get("agency")} if self.request.GET.get("agency") else {}

    def save(self, data: dict[str, Any]) -> DataSharingBasis:
        return household_services.data_sharing_basis_extend(
            household=self.household, recorded_by=scoping.signed_in(self.request.user), **data
        )

    def done_message(self, saved: models.Model) -> str:
        basis = cast(DataSharingBasis, saved)
        agency = basis.agencies.get()
        return (
            f"Sharing with {agency.name} recorded: {basis.get_basis_display()}, agreed by {basis.agreed_by} "
            f"on {basis.starts_on:%-d %B %Y}"
        )

    def success_url(self, saved: models.Model) -> str:
        basis = cast(DataSharingBasis, saved)
        query = urlencode(
            {"to_agency": basis.agencies.get().pk, "reason": self.request.GET.get("reason", "")}
        )
        return f"{reverse('interventions:referral_add', args=[self.household.pk])}?{query}"


class ReferralEdit(ReferralCreate):
    title = "Change the referral"
    fields_from_instance = services.REFERRAL_FIELDS
    instance: Referral

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.instance = audit.visible_or_404(
            self.request, Referral.objects.of_household(self.household, self.request.user), pk=kwargs["pk"]
        )

    def save(self, data: dict[str, Any]) -> Referral:
        return services.referral_update(referral=self.instance, **data)

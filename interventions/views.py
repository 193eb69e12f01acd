"""Form pages for interventions and referrals, on the household they belong to (see
households.views.case_records)."""

from typing import Any

from django.db import models
from django.forms import Form

from households.models import Household
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

    def save(self, data: dict[str, Any]) -> Referral:
        agency = scoping.profile_of(self.request.user).agency  # type: ignore[union-attr]
        return services.referral_send(household=self.household, from_agency=agency, **data)

    def success_url(self, saved: models.Model) -> str:
        return section_url(self.household, "referrals")


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

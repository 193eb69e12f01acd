"""An s208 notice received opens a case: one form, one service, all or nothing."""

from typing import Any

from django.db import models
from django.urls import reverse

from taskforce.org import scoping
from taskforce.org.views import RecordFormView

from ..intake import placement_intake
from ..intake_forms import IntakeForm


class IntakeCreate(RecordFormView):
    form_class = IntakeForm
    title = "Open a case from an s208 notice"
    button = "Open the case"
    writes = "case"

    def save(self, data: dict[str, Any]) -> models.Model:
        form: IntakeForm = self.form  # type: ignore[assignment]
        return placement_intake(
            case_reference=data["case_reference"].upper(),
            ward=data["ward"],
            placing_authority=data["placing_authority"],
            type=data["type"],
            legal_basis=data["legal_basis"],
            placed_on=data["placed_on"],
            notification_received_on=data["notification_received_on"],
            members=form.members(),
            agencies=data["agencies"],
            recorded_by=scoping.signed_in(self.request.user),
            accommodation=data.get("accommodation"),
            address=form.address(),
        ).household

    def get_form(self, data: Any = None) -> Any:
        self.form = super().get_form(data)
        return self.form

    def done_message(self, saved: models.Model) -> str:
        return f"Case {saved} opened from the s208 notice"

    def success_url(self, saved: models.Model) -> str:
        return reverse("casework:household", args=[saved.pk])

    def back_url(self) -> str:
        return reverse("households:caseload")

"""The form a ward manager records a signatory of the Margate Agreement with."""

from typing import Any

from households.models import AgreementSignatory, PlacingAuthority
from taskforce.org.forms import form_for


class SignatoryForm(form_for(AgreementSignatory, ["authority", "signed_on", "commitments", "notes"])):  # type: ignore[misc]  # a base class form_for makes at runtime
    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["authority"].queryset = PlacingAuthority.objects.exclude(gss_code="").filter(
            signatory__isnull=True
        )
        self.fields["authority"].label = "Authority that signed"
        self.fields["signed_on"].label = "Date signed"
        self.fields["commitments"].label = "What it committed to"
        self.fields["notes"].label = "Notes (optional)"

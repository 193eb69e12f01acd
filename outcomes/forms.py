"""The form to request an analysis."""

from collections.abc import Iterable
from typing import Any, cast

from django import forms

from .analyses import AREA_METHODS
from .models import AnalysisRun


class AnalysisForm(forms.Form):
    """What to run. Fields a kind does not use are ignored; the analysis itself checks the rest."""

    kind = forms.ChoiceField(choices=AnalysisRun.Kind.choices)
    measure = forms.ChoiceField(
        required=False,
        choices=[("out_of_work_rate", "Out-of-work rate"), ("out_of_work_claimants", "Claimants")],
    )
    method = forms.ChoiceField(required=False, choices=[(m, m) for m in AREA_METHODS])
    start = forms.RegexField(required=False, regex=r"^\d{4}-\d{2}$", help_text="YYYY-MM, e.g. 2010-09")
    placebos = forms.IntegerField(required=False, min_value=10, max_value=2000)
    period = forms.RegexField(required=False, regex=r"^\d{4}$", help_text="A year, e.g. 2009")
    outcome = forms.ChoiceField(
        required=False,
        choices=[
            ("dependent", "Dependent"),
            ("benefit", "Benefit (£)"),
            ("out_of_work_benefit", "Out-of-work benefit (£)"),
        ],
    )
    design = forms.ChoiceField(required=False, choices=[("did", "DiD"), ("event-study", "Event study")])
    effect = forms.FloatField(required=False)
    effect_se = forms.FloatField(required=False, min_value=0)
    optimism_bias = forms.FloatField(required=False, min_value=0, max_value=1)
    horizon_years = forms.IntegerField(required=False, min_value=1, max_value=75)

    USES = {
        "gap": ("period",),
        "area-impact": ("measure", "method", "start", "placebos"),
        "its": ("measure", "start"),
        "household-impact": ("outcome", "design"),
        "matched": (),
        "savings": ("effect", "effect_se", "optimism_bias", "horizon_years"),
        "placements": (),
        "housing": (),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            users = [AnalysisRun.Kind(kind).label for kind, fields in self.USES.items() if name in fields]
            if users:
                field.help_text = " ".join(
                    filter(None, [str(field.help_text), f"Used by: {', '.join(users)}."])
                )
            if isinstance(field, forms.ChoiceField) and not field.required:
                field.choices = [
                    ("", "The analysis's default"),
                    *cast(Iterable[tuple[Any, Any]], field.choices),
                ]
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "govuk-select" if is_select else "govuk-input govuk-input--width-10"

    def parameters(self) -> dict[str, Any]:
        kind = self.cleaned_data["kind"]
        return {
            name: self.cleaned_data[name]
            for name in self.USES.get(kind, ())
            if self.cleaned_data.get(name) not in (None, "")
        }

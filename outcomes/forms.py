"""The form to request an analysis."""

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.forms import BoundField

from taskforce.org.forms import GovukForm

from .analyses import AREA_METHOD_NAMES
from .models import AnalysisRun

# (kinds, fields): each group of parameters and the kinds of analysis that use it.
GROUPS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("gap",), ("period",)),
    (("area-impact", "its"), ("measure", "start")),
    (("area-impact",), ("method", "placebos")),
    (("household-impact",), ("outcome", "design")),
    (("savings",), ("effect", "effect_se", "optimism_bias", "horizon_years")),
)
USES: dict[str, tuple[str, ...]] = {
    kind: tuple(name for kinds, names in GROUPS if kind in kinds for name in names)
    for kind in AnalysisRun.Kind.values
}


class AnalysisForm(GovukForm):
    """What to run. Its parameters come in groups, each naming the kinds that use it: without JavaScript
    every group shows, with it only the chosen kind's. Fields a kind does not use are ignored, their
    errors too; the analysis itself checks the rest."""

    kind = forms.ChoiceField(
        choices=AnalysisRun.Kind.choices, widget=forms.Select(attrs={"data-analysis-kind": ""})
    )
    measure = forms.ChoiceField(
        required=False,
        choices=[("out_of_work_rate", "Out-of-work rate"), ("out_of_work_claimants", "Claimants")],
    )
    method = forms.ChoiceField(required=False, choices=list(AREA_METHOD_NAMES.items()))
    start = forms.RegexField(
        required=False,
        regex=r"^\d{4}-\d{2}$",
        help_text="Year and month the task force started, for example 2010-09",
        error_messages={"invalid": "Enter the start as a year and month, like 2010-09"},
    )
    placebos = forms.IntegerField(
        required=False,
        min_value=10,
        max_value=2000,
        label="Placebo fits",
        help_text="How many placebo fits the p-value and interval come from, 10 to 2,000",
        error_messages={
            "invalid": "Enter placebo fits as a whole number, like 200",
            "min_value": "Placebo fits must be 10 or more",
            "max_value": "Placebo fits must be 2,000 or fewer",
        },
    )
    period = forms.RegexField(
        required=False,
        regex=r"^\d{4}$",
        help_text="A year, for example 2009",
        error_messages={"invalid": "Enter the period as a year, like 2009"},
    )
    outcome = forms.ChoiceField(
        required=False,
        choices=[
            ("dependent", "Months dependent on out-of-work benefit"),
            ("benefit", "Benefit paid (£)"),
            ("out_of_work_benefit", "Out-of-work benefit paid (£)"),
        ],
    )
    design = forms.ChoiceField(
        required=False, choices=[("did", "Difference-in-differences"), ("event-study", "Event study")]
    )
    effect = forms.FloatField(
        required=False,
        help_text="Change in the out-of-work rate in percentage points, for example -2.5; leave empty to "
        "price the latest area-impact estimate",
        error_messages={"invalid": "Enter the effect as a number, like -2.5"},
    )
    effect_se = forms.FloatField(
        required=False,
        min_value=0,
        label="Standard error of the effect",
        help_text="In percentage points, for example 0.6",
        error_messages={
            "invalid": "Enter the standard error as a number, like 0.6",
            "min_value": "The standard error must be 0 or more",
        },
    )
    optimism_bias = forms.FloatField(
        required=False,
        min_value=0,
        max_value=1,
        help_text="A share from 0 to 1, for example 0.2 for 20%",
        error_messages={
            "invalid": "Enter optimism bias as a number from 0 to 1, like 0.2",
            "min_value": "Optimism bias must be 0 or more",
            "max_value": "Optimism bias must be 1 or less",
        },
    )
    horizon_years = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=75,
        label="Horizon (years)",
        help_text="How many years the appraisal covers, 1 to 75",
        error_messages={
            "invalid": "Enter the appraisal period as a whole number of years, like 10",
            "min_value": "The appraisal period must be at least 1 year",
            "max_value": "The appraisal period must be 75 years or fewer",
        },
    )

    widths = {
        name: "govuk-input--width-10"
        for name in ("start", "placebos", "period", "effect", "effect_se", "optimism_bias", "horizon_years")
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField) and not field.required:
                field.choices = [
                    ("", "The analysis's default"),
                    *cast(Iterable[tuple[Any, Any]], field.choices),
                ]

    def fieldsets(self) -> list[tuple[str, str, list[BoundField]]]:
        """(legend, the kinds as data-kinds, the fields) for each group of parameters."""
        return [
            (
                " and ".join(str(AnalysisRun.Kind(kind).label) for kind in kinds),
                " ".join(kinds),
                [self[name] for name in names],
            )
            for kinds, names in GROUPS
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        kind = cleaned.get("kind")
        if kind:
            # A field left over from another kind is ignored, so a mistake in it stops nothing.
            for name in [n for n in self.errors if n in self.fields and n != "kind"]:
                if name not in USES[kind]:
                    del self.errors[name]
                    cleaned.pop(name, None)
        return cleaned

    def parameters(self) -> dict[str, Any]:
        kind = self.cleaned_data["kind"]
        return {
            name: self.cleaned_data[name]
            for name in USES.get(kind, ())
            if self.cleaned_data.get(name) not in (None, "")
        }

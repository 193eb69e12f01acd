"""The upload form: which kind of file, the file, and whether only to check it. Parsing only; the batch
services check the file itself."""

from typing import Any

from django import forms
from django.conf import settings

from taskforce.org.forms import GovukForm

from .kinds import COLUMNS
from .models import ImportBatch
from .querysets import kinds_for

AREA_STATISTICS = ImportBatch.Kind.AREA_STATISTICS
# Options only an area-statistics import reads (the API's upload takes the same three).
AREA_STATISTICS_OPTIONS = ("source", "release", "vintage")


class UploadForm(GovukForm):
    kind = forms.ChoiceField(
        label="What kind of file is it?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what kind of file it is",
            "invalid_choice": "Select a kind of file your role may import",
        },
    )
    file = forms.FileField(
        label="Upload a file",
        widget=forms.FileInput,
        help_text="A CSV file saved as 'CSV UTF-8', with a header row.",
        error_messages={
            "required": "Select a CSV file",
            "empty": "The selected file is empty",
            "invalid": "The selected file could not be read: upload it again",
            "missing": "Select a CSV file",
        },
    )
    dry_run = forms.BooleanField(
        label="Check only (dry run)",
        required=False,
        help_text="Every row is checked and nothing is written. Commit it from the report when it is good.",
    )
    source = forms.CharField(
        label="Source (optional)",
        required=False,
        max_length=200,
        help_text="Where the figures come from, for example NOMIS claimant count. Blank means the file name.",
        error_messages={"max_length": "Source must be 200 characters or fewer"},
    )
    release = forms.CharField(
        label="Release (optional)",
        required=False,
        max_length=40,
        help_text="The edition of the figures, for example 2011-03.",
        error_messages={"max_length": "Release must be 40 characters or fewer"},
    )
    vintage = forms.IntegerField(
        label="Boundary year of new areas (optional)",
        required=False,
        min_value=1900,
        max_value=2100,
        help_text="Needed only to create areas not yet known, for example 2011.",
        error_messages={
            "invalid": "Boundary year must be a year, for example 2011",
            "min_value": "Boundary year must be 1900 or later",
            "max_value": "Boundary year must be 2100 or earlier",
        },
    )
    widths = {"release": "govuk-input--width-10", "vintage": "govuk-input--width-4"}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = kinds_for(user)
        self.offered = [(k, label) for k, label in ImportBatch.Kind.choices if k in allowed]
        self.fields["kind"].choices = self.offered  # type: ignore[attr-defined]
        self.fields["file"].help_text = (
            "A CSV file saved as 'CSV UTF-8', with a header row (boundaries: a GeoJSON file), "
            f"up to {settings.IMPORT_MAX_BYTES / 1e6:.0f} MB."
        )
        if AREA_STATISTICS not in allowed:
            for name in AREA_STATISTICS_OPTIONS:
                del self.fields[name]
        file = self.fields["file"].widget
        file.attrs.update(
            {"class": "govuk-file-upload", "accept": ".csv,text/csv,.geojson,.json,application/geo+json"}
        )

    def kinds(self) -> list[dict[str, Any]]:
        """Each kind offered, with its columns and its radio, for the page to show under each choice."""
        radios = list(self["kind"])
        return [
            {"value": value, "label": label, "columns": COLUMNS[value], "radio": radio}
            for (value, label), radio in zip(self.offered, radios, strict=True)
        ]

    def area_options(self) -> list[forms.BoundField]:
        return [self[name] for name in AREA_STATISTICS_OPTIONS if name in self.fields]

    def options(self) -> dict[str, Any]:
        """The kind's options, as batch_upload takes them."""
        if self.cleaned_data["kind"] != AREA_STATISTICS:
            return {}
        return {
            name: self.cleaned_data[name]
            for name in AREA_STATISTICS_OPTIONS
            if self.cleaned_data.get(name) not in (None, "")
        }

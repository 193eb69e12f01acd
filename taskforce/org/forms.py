"""GOV.UK Design System forms for any page: dates entered as day, month and year, an error summary that
links to each field, inline error messages, and service errors shown on the fields they name.

A form that mixes in `GovukForm` renders itself with `{{ form }}` in the GOV.UK pattern; a page shows the
summary with `{% include "taskforce/forms/error_summary.html" %}` above its heading.
"""

import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, cast

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.text import capfirst

YEAR_RE = re.compile(r"^\d{4}$")
NUMBER_RE = re.compile(r"^\d{1,2}$")


class DateInput(forms.MultiWidget):
    """Three text boxes, day, month and year, as the GOV.UK date input pattern has them."""

    template_name = "taskforce/forms/widgets/date.html"
    parts = ("day", "month", "year")

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            part: forms.TextInput() for part in self.parts
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        base_id = context["widget"]["attrs"].get("id", f"id_{name}")
        for part, subwidget in zip(self.parts, context["widget"]["subwidgets"], strict=True):
            subwidget["part"] = part
            subwidget["attrs"]["id"] = f"{base_id}_{part}"
        return context


class DateField(forms.MultiValueField):
    """A date typed as day, month and year, with the GOV.UK error messages (which part is missing, or
    that the date is not a real one). A failed submission keeps exactly what was typed."""

    widget = DateInput

    def __init__(self, **kwargs: Any) -> None:
        parts = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(parts, require_all_fields=False, **kwargs)

    def _subject(self) -> str:
        label = str(self.label or "the date")
        return label[0].lower() + label[1:] if not label[:2].isupper() else label

    def clean(self, value: Any) -> date | None:
        if not isinstance(value, list | tuple):
            # The class's `widget = DateInput` is an instance once the field is made.
            value = cast(DateInput, self.widget).decompress(value)
        day, month, year = (str(part).strip() if part is not None else "" for part in value)
        subject = self._subject()
        if not (day or month or year):
            if self.required:
                raise ValidationError(f"Enter {subject}", code="required")
            return None
        missing = [name for name, part in zip(DateInput.parts, (day, month, year), strict=True) if not part]
        if missing:
            raise ValidationError(
                f"{subject[0].upper()}{subject[1:]} must include a {' and a '.join(missing)}",
                code="incomplete",
            )
        if not (NUMBER_RE.match(day) and NUMBER_RE.match(month)) or not year.isdigit():
            raise ValidationError(f"{subject[0].upper()}{subject[1:]} must be a real date", code="invalid")
        if not YEAR_RE.match(year):
            raise ValidationError("Year must include 4 numbers", code="invalid_year")
        try:
            cleaned = date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(
                f"{subject[0].upper()}{subject[1:]} must be a real date", code="invalid"
            ) from None
        self.run_validators(cleaned)
        return cleaned

    def compress(self, data_list: list[Any]) -> Any:  # clean() above does the whole job
        raise NotImplementedError

    def has_changed(self, initial: Any, data: Any) -> bool:
        return True


# The GOV.UK class each widget carries; error variants are added when the form is validated.
WIDGET_CLASSES: dict[type[forms.Widget], tuple[str, str]] = {
    forms.Textarea: ("govuk-textarea", "govuk-textarea--error"),
    forms.Select: ("govuk-select", "govuk-select--error"),
    forms.NumberInput: ("govuk-input", "govuk-input--error"),
    forms.TextInput: ("govuk-input", "govuk-input--error"),
    forms.EmailInput: ("govuk-input", "govuk-input--error"),
    forms.PasswordInput: ("govuk-input", "govuk-input--error"),
}


def _classes_for(widget: forms.Widget) -> tuple[str, str] | None:
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.MultiWidget):
        return None
    for kind, classes in WIDGET_CLASSES.items():
        if isinstance(widget, kind):
            return classes
    return None


class GovukForm(forms.Form):
    """Renders in the GOV.UK pattern and lists its errors for the error summary."""

    template_name = "taskforce/forms/form.html"
    # Width classes by field name, e.g. {"postcode": "govuk-input--width-10"}.
    widths: dict[str, str] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            classes = _classes_for(field.widget)
            if classes:
                extra = self.widths.get(name, "")
                field.widget.attrs["class"] = f"{classes[0]} {extra}".strip()
            if field.help_text:
                field.widget.attrs["aria-describedby"] = self._id(name, "hint")

    def _id(self, name: str, suffix: str) -> str:
        return f"{self[name].auto_id}-{suffix}"

    def full_clean(self) -> None:
        super().full_clean()
        self.mark_errors()

    def mark_errors(self) -> None:
        """Give each field in error the GOV.UK error class and point it at its message."""
        for name in self.errors:
            if name == NON_FIELD_ERRORS or name not in self.fields:
                continue
            widget = self.fields[name].widget
            classes = _classes_for(widget)
            if classes and classes[1] not in widget.attrs.get("class", ""):
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {classes[1]}".strip()
            described = widget.attrs.get("aria-describedby", "").split()
            if self._id(name, "error") not in described:
                widget.attrs["aria-describedby"] = " ".join([*described, self._id(name, "error")])
            if isinstance(widget, DateInput):
                # Read by the date template only; its inputs are written out by hand.
                widget.attrs["taskforce_error"] = True

    def anchor_for(self, name: str) -> str:
        """The element the error summary links to: the field itself, or the first of a group."""
        bound = self[name]
        widget = bound.field.widget
        if isinstance(widget, DateInput):
            return f"{bound.auto_id}_day"
        if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            return f"{bound.auto_id}_0"
        return bound.auto_id

    def error_summary(self) -> list[tuple[str | None, str]]:
        """(anchor, message) pairs in the order the fields appear; anchor None for whole-form errors."""
        items: list[tuple[str | None, str]] = [(None, str(m)) for m in self.non_field_errors()]
        for name in self.fields:
            for message in self.errors.get(name, []):
                items.append((self.anchor_for(name), str(message)))
        return items

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's ValidationError on the fields it names; anything else above the form."""
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.add_error(None, message)
            return
        for field, messages in error.message_dict.items():
            for message in messages:
                # A database constraint names its field at the start of its message ("left_on: ...").
                named = message.split(":", 1)[0] if field == NON_FIELD_ERRORS else field
                target = named if named in self.fields else None
                self.add_error(target, _strip_field_prefix(named, message))
        self.mark_errors()


def _strip_field_prefix(field: str, message: str) -> str:
    """Constraint messages start "field: ..." for the API; on a form the field is already plain."""
    prefix = f"{field}: "
    text = message[len(prefix) :] if message.startswith(prefix) else message
    return text[0].upper() + text[1:] if text else text


def choices_from(items: Iterable[Any], *, blank: str | None = None) -> list[tuple[Any, str]]:
    """Select options from model instances, with an optional first empty option."""
    options: list[tuple[Any, str]] = [("", blank)] if blank is not None else []
    return options + [(item.pk, str(item)) for item in items]


RADIO_LIMIT = 6


def _required_message(field: forms.Field, verb: str) -> str:
    label = str(field.label or "")
    return f"{verb} {label[0].lower() + label[1:] if label[:2] != label[:2].upper() else label}"


def govuk_formfield(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    """The form field for a model field, as GOV.UK pages want it: dates as day-month-year, short choices
    as radios, and "Enter ..." / "Select ..." when a required answer is missing."""
    if isinstance(db_field, models.DateField):
        return DateField(
            label=capfirst(db_field.verbose_name),
            required=not db_field.blank,
            help_text=db_field.help_text,
            validators=[v for v in db_field.validators if not isinstance(v, MaxLengthValidator)],
        )
    field = db_field.formfield(**kwargs)
    if field is None:
        return None
    if isinstance(field, forms.TypedChoiceField) and not isinstance(field, forms.ModelChoiceField):
        # A model field's choices, normalised by the form field: (value, label) pairs.
        choices = [c for c in cast(Iterable[tuple[Any, Any]], field.choices) if c[0] != ""]
        if len(choices) <= RADIO_LIMIT:
            field.widget = forms.RadioSelect(choices=choices)
            field.choices = choices
    # The model's own field checks (formats such as postcode or case reference), so one submission shows
    # every problem; the service checks them again with the record as a whole.
    kinds = {type(v) for v in field.validators}
    field.validators.extend(v for v in db_field.validators if type(v) not in kinds)
    verb = "Select" if isinstance(field, forms.ChoiceField) else "Enter"
    if field.required:
        field.error_messages["required"] = _required_message(field, verb)
    if isinstance(field, forms.ModelChoiceField):
        field.error_messages["invalid_choice"] = _required_message(field, "Select")
    return field


def form_for(
    model: type[models.Model], names: Sequence[str], *, base: type[forms.Form] = GovukForm, **attrs: Any
) -> type[forms.Form]:
    """A plain (non-model) GOV.UK form with fields made from `model`'s: the form parses and presents, and
    the service it feeds validates the record as a whole."""
    # The stubs' callback type takes one argument and returns a field; Django passes keyword arguments too
    # and leaves out a model field for which the callback returns None (one with no form field).
    fields = forms.fields_for_model(model, fields=names, formfield_callback=govuk_formfield)  # type: ignore[arg-type]
    return type(f"{model.__name__}Form", (base,), {**fields, **attrs, "__module__": base.__module__})

"""Reading one cell: choices, yes/no, money, and model rules turned into row errors naming the column."""

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

from taskforce.org.validators import normalise_nino, validate_nino

from .core import RowError, RowErrors, parse_date

CONSTRAINT_MESSAGE_RE = re.compile(r"^([a-z_0-9]+): (.+)$", re.DOTALL)
MONEY_RE = re.compile(r"^\d{1,7}(\.\d{1,2})?$")
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}


def required(row: Mapping[str, str], column: str) -> str:
    value = row[column]
    if not value:
        raise RowError(column, "required")
    return value


def required_date(row: Mapping[str, str], column: str) -> date:
    return parse_date(required(row, column), column)


def nino_of(text: str, column: str = "nino") -> str:
    """A National Insurance number, normalised; one that breaks the format rules is a format error, reported
    as such before anyone is looked up by it."""
    nino = normalise_nino(text)
    try:
        validate_nino(nino)
    except ValidationError as exc:
        raise RowError(column, exc.messages[0], text) from exc
    return nino


def choice(text: str, choices: type[models.TextChoices], column: str, *, default: str = "") -> str:
    """A choice by its code or its label, in any case: 'private' or 'Private rent'."""
    if not text:
        if default:
            return default
        raise RowError(column, f"required: one of {', '.join(choices.values)}")
    wanted = text.casefold()
    for value, label in choices.choices:
        if wanted in {str(value).casefold(), str(label).casefold()}:
            return str(value)
    raise RowError(column, f"expected one of {', '.join(choices.values)}", text)


def yes_no(text: str, column: str) -> bool:
    wanted = text.casefold()
    if wanted in YES:
        return True
    if wanted in NO:
        return False
    raise RowError(column, "expected yes or no", text)


def money(text: str, column: str, *, blank: Decimal | None = None) -> Decimal:
    """Pounds with at most two decimal places; a £ sign and thousands separators are allowed."""
    if not text and blank is not None:
        return blank
    cleaned = text.replace("£", "").replace(",", "").strip()
    if cleaned.startswith("-"):
        raise RowError(column, "cannot be negative", text)
    if not MONEY_RE.match(cleaned):
        raise RowError(column, "expected an amount in pounds, e.g. 280.50 (at most 9,999,999.99)", text)
    return Decimal(cleaned)


def whole_number(text: str, column: str) -> int:
    if not text.isdigit():
        raise RowError(column, "expected a whole number", text)
    return int(text)


def check_model(
    instance: models.Model,
    *,
    row: Mapping[str, str],
    columns: Mapping[str, str] | None = None,
    exclude: list[str] | None = None,
) -> None:
    """Run the model's own field validators and clean(); each message becomes a row error on its column.

    Unique fields are not checked here: imports match existing records by natural key and update them.
    `columns` maps a model field to the file's column where their names differ.
    """
    columns = columns or {}
    try:
        instance.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as exc:
        errors = []
        for field, messages in exc.message_dict.items():
            for message in messages:
                name, text = field, message
                # Constraint messages name their field first ("closed_on: a case cannot close...").
                if field == NON_FIELD_ERRORS and (match := CONSTRAINT_MESSAGE_RE.match(message)):
                    name, text = match[1], match[2]
                column = columns.get(name, name) if name != NON_FIELD_ERRORS else "(row)"
                errors.append(RowError(column, text, row.get(column, "")))
        raise RowErrors(errors) from exc


def as_row_error(exc: ValidationError, *, line: int, row_column: str) -> RowError:
    """A model rule broken while writing (found only against the database), for the report."""
    if hasattr(exc, "error_dict"):
        field, messages = next(iter(exc.message_dict.items()))
        column = row_column if field == NON_FIELD_ERRORS else field
        return RowError(column, messages[0], line=line)
    return RowError(row_column, exc.messages[0], line=line)

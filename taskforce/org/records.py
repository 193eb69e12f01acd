"""What the apps' create and update services share: a record is validated whole, then saved. The services
call these inside their own transaction; nothing else does."""

from collections.abc import Collection, Mapping
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import models

M = TypeVar("M", bound=models.Model)


def create(instance: M) -> M:
    instance.full_clean()
    instance.save()
    return instance


def update(instance: M, *, editable: Collection[str], changes: Mapping[str, object]) -> M:
    """Set `changes` on `instance` and save it. A field outside `editable` is refused by name: the changes
    may come straight from a form or an API request."""
    refused = set(changes) - set(editable)
    if refused:
        raise ValidationError(
            {field: "This field cannot be changed once recorded." for field in sorted(refused)}
        )
    for field, value in changes.items():
        setattr(instance, field, value)
    instance.full_clean()
    instance.save()
    return instance

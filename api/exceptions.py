"""Errors as JSON: model rules (django ValidationError from full_clean) become 400 with field messages."""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = "The record has changed since you read it: read it again and reapply your change."
    default_code = "precondition_failed"


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = "Send the record's ETag in an If-Match header, so a newer change is never overwritten."
    default_code = "precondition_required"


def as_field_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == NON_FIELD_ERRORS else field): [str(m) for m in messages]
            for field, messages in error.message_dict.items()
        }
    return {"non_field_errors": [str(m) for m in error.messages]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_field_errors(exc))
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        # A filter or parser error without a field (a null character in a query, say): one shape for all.
        response.data = {"non_field_errors": response.data}
    return response

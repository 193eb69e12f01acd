"""OpenAPI generation: every operation also documents the errors it can answer with."""

from typing import Any, cast

from drf_spectacular import openapi
from rest_framework.viewsets import ViewSetMixin

ERROR = {
    "application/json": {
        "schema": {
            "type": "object",
            "additionalProperties": True,
            "description": "`detail` with a message, or each field with its list of messages.",
        }
    }
}


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        errors = {
            "401": "Not signed in, or the token is not valid.",
            "403": "Your role cannot use this endpoint.",
        }
        if (
            self.method in {"POST", "PATCH", "PUT"}
            or self._is_list_view()
            or cast(ViewSetMixin, self.view).action == "export"  # every API view is a viewset
            or getattr(self.view, "validates_query", False)
        ):
            errors["400"] = "The request is not valid: see the messages for each field or parameter."
        if self.method in {"POST", "PATCH", "PUT"}:
            errors["415"] = (
                "The body is not in a media type this operation reads, or cannot be parsed as one."
            )
        if "{" in self.path:
            errors["404"] = "No such record, or none you may see."
        elif self._is_list_view() and getattr(self.view, "pagination_class", None):
            errors["404"] = "No such page."
        if self.method == "PATCH" or getattr(self.view, "action", None) == "assign":
            errors["412"] = "The If-Match ETag is not the record's current one: read it again."
            errors["428"] = "If-Match is missing."
        for code, description in errors.items():
            responses.setdefault(code, {"description": description, "content": ERROR})
        return responses

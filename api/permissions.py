"""Which roles may use an endpoint. Which records they then see is the QuerySets' business (visible_to)."""

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from taskforce.org.scoping import role_of


class RoleAllowed(BasePermission):
    """Reads need a role in the view's `read_roles`, writes one in `write_roles` (or the action's override)."""

    message = "Your role cannot use this endpoint."

    def has_permission(self, request: Request, view: APIView) -> bool:
        role = role_of(request.user)
        if role is None:
            return False
        action_roles = getattr(view, "action_roles", {}).get(getattr(view, "action", None))
        if action_roles is not None:
            return role in action_roles
        if request.method in SAFE_METHODS:
            return role in view.read_roles  # type: ignore[attr-defined]
        return role in getattr(view, "write_roles", ())

"""Which roles may use an endpoint. Which records they then see is the QuerySets' business (visible_to);
which roles may write is the floor's write table (scoping.WRITES), named by each endpoint."""

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from taskforce.org import audit
from taskforce.org.models import AccessLog
from taskforce.org.scoping import role_of, writers_of


class RoleAllowed(BasePermission):
    """Reads need a role in the view's `read_roles`. Writes need a role that may write the view's `writes`
    (a key of scoping.WRITES), or, for an action named in `action_writes`, that action's key; a view that
    names none takes no writes."""

    message = "Your role cannot use this endpoint."

    def has_permission(self, request: Request, view: APIView) -> bool:
        allowed = self._allowed(request, view)
        model = getattr(view, "model", None)
        if not allowed and model is not None and request.method in SAFE_METHODS:
            # A role refused a read of personal data leaves a trace for the data protection officer.
            audit.note_attempt(
                request,
                outcome=AccessLog.Outcome.REFUSED,
                resource=model._meta.label_lower,
                object_ids=[int(view.kwargs["pk"])] if "pk" in getattr(view, "kwargs", {}) else [],
            )
        return allowed

    def _allowed(self, request: Request, view: APIView) -> bool:
        role = role_of(request.user)
        if role is None:
            return False
        writes = getattr(view, "action_writes", {}).get(getattr(view, "action", None))
        if writes is None:
            if request.method in SAFE_METHODS:
                return role in view.read_roles  # type: ignore[attr-defined]
            writes = getattr(view, "writes", None)
        return writes is not None and role in writers_of(writes)

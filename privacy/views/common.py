"""What every page of the workspace shares: the data protection officer only, after two-factor sign-in,
never cached, and the access-log row for the personal data a page shows."""

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from taskforce.org import audit, scoping
from taskforce.org.models import AccessLog, StaffProfile
from taskforce.org.two_factor import confirmed_device
from taskforce.org.views import require_role

PAGE_SIZE = 50


def is_dpo(user: Any) -> bool:
    return scoping.role_of(user) == StaffProfile.Role.DATA_PROTECTION_OFFICER


def dpo_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page of the workspace: 403 (logged) for any other role; a data protection officer who has not
    proved a second factor in this session is sent to do so first, whatever the site-wide rule."""

    @login_required
    @wraps(view)
    def page(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_role(request, is_dpo, resource="privacy.workspace")
        user = scoping.signed_in(request.user)
        if settings.TASKFORCE_REQUIRE_2FA and not user.is_verified():  # type: ignore[attr-defined]
            name = "two_factor_verify" if confirmed_device(user) else "two_factor_setup"
            return HttpResponseRedirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response

    return page


def log_page(
    request: HttpRequest,
    *,
    resource: str,
    ids: Sequence[int] = (),
    person_ids: Sequence[int] = (),
    action: str = AccessLog.Action.DETAIL,
    purpose: str = "",
) -> None:
    """The access-log row for what a workspace page shows, in the caller's transaction."""
    audit.access_record(
        user=request.user,
        route=AccessLog.Route.WEB,
        action=action,
        resource=resource,
        object_ids=ids,
        person_ids=person_ids,
        query=request.META.get("QUERY_STRING", ""),
        purpose=purpose,
        client_address=request.META.get("REMOTE_ADDR") or None,
    )


def client_address(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None

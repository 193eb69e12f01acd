"""Session limits and the two-factor gate, applied to every request after authentication."""

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from .audit import write_attempts
from .scoping import signed_in
from .two_factor import confirmed_device, requires_two_factor

SIGNED_IN_AT = "taskforce_signed_in_at"


@receiver(user_logged_in, dispatch_uid="taskforce_stamp_sign_in")
def _stamp_sign_in(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = int(time.time())


class AbsoluteSessionExpiryMiddleware:
    """End a session SESSION_ABSOLUTE_AGE seconds after sign-in, however active it has been.

    The idle limit is the cookie's own age, renewed on every request (SESSION_SAVE_EVERY_REQUEST).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            signed_in_at = request.session.get(SIGNED_IN_AT)
            if signed_in_at is None:
                # A session from before this stamp existed: its 12 hours start now.
                request.session[SIGNED_IN_AT] = int(time.time())
            elif time.time() - signed_in_at > settings.SESSION_ABSOLUTE_AGE:
                logout(request)
                messages.info(request, "You were signed out because you signed in more than 12 hours ago.")
        return self.get_response(request)


class RequireTwoFactorMiddleware:
    """Send a signed-in user who must use two-factor sign-in to set it up or prove it before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._is_exempt(request.path_info) or not requires_two_factor(request.user):
            return self.get_response(request)
        if request.user.is_verified():  # type: ignore[union-attr]
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {
                    "detail": "Two-factor sign-in is required: complete it in the browser, or use an API token."
                },
                status=403,
            )
        # requires_two_factor() is true only for a signed-in account.
        name = "two_factor_verify" if confirmed_device(signed_in(request.user)) else "two_factor_setup"
        return HttpResponseRedirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")

    @staticmethod
    def _is_exempt(path: str) -> bool:
        exempt = (
            reverse("login"),
            reverse("logout"),
            reverse("health"),
            "/two-factor/",
            "/" + settings.STATIC_URL.lstrip("/"),
        )
        return path.startswith(exempt)


class AccessAttemptMiddleware:
    """Log the refused and out-of-scope reads a request noted (`audit.note_attempt`) after its response is
    made: the view's own transaction has rolled back by then, and the trace must outlive it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        write_attempts(request)
        return response


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every API response and on every page answered to a signed-in user.

    Those are the responses that may carry personal data; a shared or browser cache must keep none of them.
    Static files (served before this, by WhiteNoise) and the sign-in page of an anonymous visitor may be kept.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Read after the view: the API authenticates a token inside the view and sets the user there.
        user = getattr(request, "user", None)
        if request.path_info.startswith("/api/") or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response

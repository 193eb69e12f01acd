"""Sign-in pages beyond Django's own: the lockout answer and two-factor set-up and verification."""

from typing import Any

from axes.helpers import get_cool_off
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from .scoping import signed_in
from .two_factor import (
    base32_secret,
    confirmed_device,
    qr_code_svg,
    totp_device_confirm,
    totp_device_start_enrolment,
)


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """django-axes' answer once an account has had too many failed sign-ins: the sign-in page, saying so."""
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else None
    context = {
        "form": AuthenticationForm(request, data=request.POST or None),
        "next": request.POST.get("next", ""),
        "locked_out": True,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": minutes,
    }
    return render(request, "taskforce/login.html", context, status=429)


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app",
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit() or len(token) not in (6, 8):
            raise forms.ValidationError("Enter the 6-digit code shown in your authenticator app.")
        return token


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    if confirmed_device(signed_in(request.user)):
        return HttpResponseRedirect(f"{resolve_url('two_factor_verify')}?{request.GET.urlencode()}")
    device = totp_device_start_enrolment(user=signed_in(request.user))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _check_code(device, form):
        totp_device_confirm(device=device)
        otp_login(request, device)
        return HttpResponseRedirect(_next_url(request))
    context = {
        "form": form,
        "next": _next_url(request),
        "secret": base32_secret(device),
        "qr_code": qr_code_svg(device),
    }
    return render(request, "taskforce/two_factor/setup.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    device = confirmed_device(signed_in(request.user))
    if device is None:
        return HttpResponseRedirect(f"{resolve_url('two_factor_setup')}?{request.GET.urlencode()}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _check_code(device, form):
        otp_login(request, device)
        return HttpResponseRedirect(_next_url(request))
    return render(request, "taskforce/two_factor/verify.html", {"form": form, "next": _next_url(request)})


def _check_code(device: Any, form: TokenForm) -> bool:
    """Whether the form's code proves the device; if not, the form says why."""
    allowed, detail = device.verify_is_allowed()
    if not allowed and detail and detail.get("locked_until"):
        wait = max(1, round((detail["locked_until"] - timezone.now()).total_seconds()))
        form.add_error(
            "token",
            f"Too many wrong codes. Wait {wait} second{pluralize(wait)}, then enter the code your app shows now.",
        )
        return False
    if device.verify_token(form.cleaned_data["token"]):
        return True
    form.add_error("token", "That code is not right or has expired. Enter the code your app shows now.")
    return False

"""Subject access requests as a workflow: received, gathered, reviewed and redacted, released."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from taskforce.org import audit
from taskforce.org.models import AccessLog

from .. import services
from ..forms import ExtendForm, IdentityForm, ReleaseForm, SubjectAccessForm
from ..models import SubjectAccessRequest
from ..subject_access import release_zip
from .common import client_address, dpo_page, log_page


def _url(sar: SubjectAccessRequest) -> str:
    return reverse("privacy:request", args=[sar.pk])


@require_GET
@dpo_page
def request_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    requests = list(SubjectAccessRequest.objects.select_related("person"))
    with transaction.atomic():
        log_page(
            request,
            resource="privacy.subjectaccessrequest",
            ids=[r.pk for r in requests],
            person_ids=[r.person_id for r in requests if r.person_id],
            action=AccessLog.Action.LIST,
        )
        return render(request, "privacy/request_list.html", {"requests": requests, "today": today})


@require_http_methods(["GET", "POST"])
@dpo_page
def request_new(request: HttpRequest) -> HttpResponse:
    form = SubjectAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic(), audit.route("web"):
                sar = services.sar_receive(user=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"{sar.reference} recorded: due {sar.due_on:%-d %B %Y}")
            return HttpResponseRedirect(_url(sar))
    return render(
        request,
        "privacy/form.html",
        {
            "form": form,
            "title": "Record a subject access request",
            "button": "Record the request",
            "back": reverse("privacy:requests"),
        },
    )


@require_http_methods(["GET", "POST"])
@dpo_page
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sar = get_object_or_404(SubjectAccessRequest.objects.select_related("person", "handled_by"), pk=pk)
    step = request.POST.get("step", "")
    forms: dict[str, Any] = {
        "identity": IdentityForm(request.POST if step == "identity" else None),
        "extend": ExtendForm(request.POST if step == "extend" else None),
        "release": ReleaseForm(request.POST if step == "release" else None),
    }
    if request.method == "POST":
        done = _act(request, sar, step, forms)
        if done:
            messages.success(request, done)
            return HttpResponseRedirect(_url(sar))
    items = list(sar.items.all())
    with transaction.atomic():
        log_page(
            request,
            resource="privacy.subjectaccessrequest",
            ids=[sar.pk],
            person_ids=[sar.person_id] if sar.person_id else [],
            purpose=f"Subject access request {sar.reference}",
        )
        return render(
            request,
            "privacy/request_detail.html",
            {
                "sar": sar,
                "items": items,
                "forms": forms,
                "today": timezone.localdate(),
                "withheld": sum(i.redacted for i in items),
                "error": forms.get("error"),
                "reason": next((i.redaction_reason for i in items if i.redacted), ""),
            },
        )


def _act(request: HttpRequest, sar: SubjectAccessRequest, step: str, forms: dict[str, Any]) -> str | None:
    """Carry out one step of the workflow; the message on success, None (errors on the forms) otherwise."""
    user: Any = request.user
    form: Any = forms.get(step)
    try:
        with transaction.atomic(), audit.route("web"):
            if step == "identity" and form.is_valid():
                services.sar_confirm_identity(user=user, sar=sar, **form.cleaned_data)
                return "Identity checked and person found"
            if step == "extend" and form.is_valid():
                services.sar_extend(user=user, sar=sar, reason=form.cleaned_data["extension_reason"])
                return f"Deadline extended to {sar.due_on:%-d %B %Y}"
            if step == "gather":
                n = services.sar_gather(user=user, sar=sar, client_address=client_address(request))
                return f"{n} items gathered: review them and mark any to withhold"
            if step == "review":
                redacted = [int(v) for v in request.POST.getlist("redact") if v.isdigit()]
                services.sar_review(
                    user=user, sar=sar, redacted=redacted, reason=request.POST.get("reason", "")
                )
                return f"Reviewed: {len(redacted)} item{'s' if len(redacted) != 1 else ''} withheld"
            if step == "release" and form.is_valid():
                services.sar_release(user=user, sar=sar, released_on=form.cleaned_data["released_on"])
                return f"{sar.reference} released"
    except ValidationError as error:
        sar.refresh_from_db()
        target = form or forms["release"]
        if form is None:
            forms["error"] = error.messages
        else:
            target.add_service_errors(error)
    return None


@require_GET
@dpo_page
def request_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The release: the reviewed items not withheld, as a zip of CSV files."""
    sar = get_object_or_404(SubjectAccessRequest, pk=pk)
    if sar.status not in {SubjectAccessRequest.Status.REVIEWED, SubjectAccessRequest.Status.RELEASED}:
        messages.error(request, "Review the gathered data before downloading the release")
        return HttpResponseRedirect(_url(sar))
    with transaction.atomic():
        archive = release_zip(sar.items.all())
        log_page(
            request,
            resource="households.person",
            ids=[sar.person_id] if sar.person_id else [],
            person_ids=[sar.person_id] if sar.person_id else [],
            action=AccessLog.Action.SUBJECT_ACCESS,
            purpose=f"Release of subject access request {sar.reference}",
        )
    return HttpResponse(
        archive,
        content_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{sar.reference}.zip"'},
    )

"""Break-glass grants to review, and retention: cases due for deletion, proposals and their approval."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from households.models import Household
from taskforce.org import audit
from taskforce.org.models import AccessLog, BreakGlassGrant

from .. import selectors, services
from ..forms import BreakGlassReviewForm, RetentionApproveForm, RetentionProposeForm
from ..models import RetentionAction
from ..retention import RETENTION_YEARS, due_for_review
from .common import PAGE_SIZE, dpo_page, log_page


@require_GET
@dpo_page
def break_glass_list(request: HttpRequest) -> HttpResponse:
    grants = BreakGlassGrant.objects.select_related("user", "household", "review").order_by("-granted_at")
    to_review = [g for g in grants if not hasattr(g, "review")]
    reviewed = [g for g in grants if hasattr(g, "review")]
    with transaction.atomic():
        log_page(
            request,
            resource="households.household",
            ids=[g.household_id for g in grants],
            action=AccessLog.Action.LIST,
        )
        return render(
            request, "privacy/break_glass_list.html", {"to_review": to_review, "reviewed": reviewed}
        )


@require_http_methods(["GET", "POST"])
@dpo_page
def break_glass_review(request: HttpRequest, pk: int) -> HttpResponse:
    grant = get_object_or_404(BreakGlassGrant.objects.select_related("user", "household"), pk=pk)
    form = BreakGlassReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic(), audit.route("web"):
                review = services.break_glass_review_close(
                    user=request.user,  # type: ignore[arg-type]
                    grant=grant,
                    finding=form.cleaned_data["finding"],
                    note=form.cleaned_data["note"],
                )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Grant closed: {review.get_finding_display().lower()}")
            return HttpResponseRedirect(reverse("privacy:break_glass"))
    with transaction.atomic():
        reads = list(selectors.grant_reads(grant))
        log_page(
            request,
            resource="households.household",
            ids=[grant.household_id],
            person_ids=selectors.household_people(grant.household),
            purpose=f"Review of break-glass grant {grant.pk}",
        )
        return render(
            request,
            "privacy/break_glass_review.html",
            {"grant": grant, "reads": reads, "form": form, "review": getattr(grant, "review", None)},
        )


@require_GET
@dpo_page
def retention_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    page = Paginator(due_for_review(today), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    proposals = {
        a.household_id: a for a in RetentionAction.objects.filter(status=RetentionAction.Status.PROPOSED)
    }
    for household in rows:
        household.proposal = proposals.get(household.pk)
    with transaction.atomic():
        log_page(
            request, resource="households.household", ids=[h.pk for h in rows], action=AccessLog.Action.LIST
        )
        return render(
            request,
            "privacy/retention_list.html",
            {
                "page": page,
                "rows": rows,
                "years": RETENTION_YEARS,
                "proposals": RetentionAction.objects.filter(status=RetentionAction.Status.PROPOSED)
                .select_related("proposed_by")
                .order_by("proposed_at"),
                "done": RetentionAction.objects.filter(status=RetentionAction.Status.DONE)
                .select_related("proposed_by", "approved_by")
                .order_by("-approved_at")[:20],
            },
        )


@require_http_methods(["GET", "POST"])
@dpo_page
def retention_propose(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_object_or_404(Household.objects.select_related("ward"), pk=pk)
    form = RetentionProposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic(), audit.route("web"):
                action = services.retention_propose(
                    user=request.user,  # type: ignore[arg-type]
                    household=household,
                    method=form.cleaned_data["method"],
                    reason=form.cleaned_data["reason"],
                )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Proposed: {action.get_method_display().lower()} {household}")
            return HttpResponseRedirect(reverse("privacy:retention_action", args=[action.pk]))
    with transaction.atomic():
        log_page(request, resource="households.household", ids=[household.pk])
        return render(request, "privacy/retention_propose.html", {"household": household, "form": form})


@require_http_methods(["GET", "POST"])
@dpo_page
def retention_action(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(
        RetentionAction.objects.select_related("proposed_by", "approved_by", "household__ward"), pk=pk
    )
    form = RetentionApproveForm(request.POST or None)
    if request.method == "POST" and request.POST.get("withdraw"):
        try:
            with transaction.atomic(), audit.route("web"):
                services.retention_withdraw(user=request.user, action=action)  # type: ignore[arg-type]
        except ValidationError as error:
            form = RetentionApproveForm()
            form.add_service_errors(error)
        else:
            messages.success(request, f"Proposal for {action.case_reference} withdrawn")
            return HttpResponseRedirect(reverse("privacy:retention"))
    elif request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic(), audit.route("web"):
                action = services.retention_approve(
                    user=request.user,  # type: ignore[arg-type]
                    action=action,
                    confirmation=form.cleaned_data["confirmation"],
                )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"{action.case_reference}: {action.get_method_display().lower()} done")
            return HttpResponseRedirect(reverse("privacy:retention_action", args=[action.pk]))
    with transaction.atomic():
        if action.household_id:
            log_page(request, resource="households.household", ids=[action.household_id])
        return render(
            request,
            "privacy/retention_action.html",
            {
                "action": action,
                "form": form,
                "needs_second": action.proposed_by_id == request.user.pk
                and services.other_dpo_exists(request.user),
            },
        )

"""The workspace's front page, and the access log: who read whom, when, through which route, and whether
they were let; filtered, paginated, as CSV; with the probing alert."""

import io
from typing import Any

from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from taskforce.org.csvsafe import write_csv
from taskforce.org.models import AccessLog, BreakGlassGrant

from .. import selectors
from ..forms import AccessLogFilter
from ..models import RetentionAction, SubjectAccessRequest
from ..retention import due_for_review
from .common import PAGE_SIZE, dpo_page, log_page

EXPORT_LIMIT = 50_000


@require_GET
@dpo_page
def workspace(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    open_requests = list(
        SubjectAccessRequest.objects.exclude(status=SubjectAccessRequest.Status.RELEASED).order_by(
            "received_on"
        )
    )
    with transaction.atomic():
        alerts = selectors.probing_alerts()
        log_page(
            request, resource="taskforce.accesslog", action=AccessLog.Action.LIST, purpose="Probing alert"
        )
        return render(
            request,
            "privacy/workspace.html",
            {
                "alerts": alerts,
                "open_requests": len(open_requests),
                "overdue_requests": sum(r.is_overdue(today) for r in open_requests),
                "grants_to_review": BreakGlassGrant.objects.filter(review__isnull=True).count(),
                "due_for_review": due_for_review(today).count(),
                "proposals": RetentionAction.objects.filter(status=RetentionAction.Status.PROPOSED).count(),
            },
        )


def _filtered(request: HttpRequest) -> tuple[AccessLogFilter, Any, list[int]]:
    form = AccessLogFilter(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    person, household, user = data.get("person"), data.get("household"), data.get("user")
    entries = selectors.access_log(
        person_id=person.pk if person else None,
        household=household,
        user_id=user.pk if user else None,
        outcome=data.get("outcome") or "",
        since=data.get("since"),
        until=data.get("until"),
    )
    if form.is_bound and not form.is_valid():
        entries = entries.none()
    people = [person.pk] if person else (selectors.household_people(household) if household else [])
    return form, entries, people


@require_GET
@dpo_page
def access_log(request: HttpRequest) -> HttpResponse:
    form, entries, people = _filtered(request)
    with transaction.atomic():
        page = Paginator(entries.prefetch_related("subjects"), PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        # Whose trail was looked at is itself a read of their data.
        log_page(
            request,
            resource="taskforce.accesslog",
            ids=[e.pk for e in rows],
            person_ids=people,
            action=AccessLog.Action.SEARCH if request.GET else AccessLog.Action.LIST,
        )
        return render(request, "privacy/access_log.html", {"form": form, "page": page, "rows": rows})


@require_GET
@dpo_page
def access_log_csv(request: HttpRequest) -> HttpResponse:
    _form, entries, people = _filtered(request)
    with transaction.atomic():
        rows = list(entries.prefetch_related("subjects")[:EXPORT_LIMIT])
        log_page(
            request,
            resource="taskforce.accesslog",
            ids=[e.pk for e in rows][:1000],
            person_ids=people,
            action=AccessLog.Action.EXPORT,
        )
    out = io.StringIO()
    write_csv(
        out,
        [
            "at",
            "username",
            "role",
            "route",
            "action",
            "outcome",
            "resource",
            "object_ids",
            "people",
            "query",
            "purpose",
            "client_address",
        ],
        (
            [
                timezone.localtime(e.at).isoformat(),
                e.username,
                e.role,
                e.route,
                e.action,
                e.outcome,
                e.resource,
                " ".join(map(str, e.object_ids)),
                " ".join(str(s.person_id) for s in e.subjects.all()),
                e.query,
                e.purpose,
                e.client_address,
            ]
            for e in rows
        ),
    )
    return HttpResponse(
        out.getvalue(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="access-log.csv"'},
    )

"""My work (every role's tasks: overdue, due this week, later), marking a task done, adding one by hand, and
the ward managers' plan and review coverage (published through the disclosure rules)."""

from datetime import timedelta
from typing import Any

import pandas as pd
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from households.models import Household
from outcomes.disclosure import Rate, publish
from taskforce.org import audit, scoping
from taskforce.org.models import AccessLog, Area
from taskforce.org.views import RecordFormView, log_read, require_role

from . import forms as f
from . import services
from .models import CasePlan, Task

WEEK = 7
SHOWN = 100  # tasks per group on the page; the rest are counted


def _has_profile(user: Any) -> bool:
    return scoping.profile_of(user) is not None


@login_required
@require_GET
def my_work(request: HttpRequest) -> HttpResponse:
    require_role(request, _has_profile)
    today = timezone.localdate()
    with transaction.atomic():
        tasks = Task.objects.visible_to(request.user).select_related(
            "household", "property", "assignee", "team"
        )
        open_tasks = tasks.open()
        groups: list[dict[str, Any]] = []
        for key, label, chosen in (
            ("overdue", "Overdue", open_tasks.filter(due_on__lt=today)),
            (
                "week",
                "Due this week",
                open_tasks.filter(due_on__gte=today, due_on__lt=today + timedelta(days=WEEK)),
            ),
            ("later", "Later", open_tasks.filter(due_on__gte=today + timedelta(days=WEEK))),
        ):
            shown = list(chosen[:SHOWN])
            groups.append(
                {
                    "key": key,
                    "label": label,
                    "tasks": shown,
                    "total": chosen.count() if len(shown) == SHOWN else len(shown),
                }
            )
        done = list(
            tasks.filter(status=Task.Status.DONE, done_on__gte=today - timedelta(days=WEEK)).order_by(
                "-done_on", "-pk"
            )[:20]
        )
        ids = [t.pk for g in groups for t in g["tasks"]] + [t.pk for t in done]
        log_read(request, model=Task, ids=ids, action=AccessLog.Action.LIST)
        return render(
            request,
            "casework/my_work.html",
            {
                "groups": groups,
                "done": done,
                "today": today,
                "can_add": scoping.may_write(request.user, "task"),
            },
        )


@login_required
@require_POST
def task_done(request: HttpRequest, pk: int) -> HttpResponse:
    if not scoping.may_write(request.user, "task"):
        raise PermissionDenied("Your role cannot change tasks.")
    with transaction.atomic():
        task = audit.visible_or_404(request, Task.objects.visible_to(request.user).select_for_update(), pk=pk)
        if request.POST.get("undo"):
            services.task_reopen(task=task)
            messages.success(request, f"Task back on your list: {task.title}")
        else:
            services.task_complete(task=task, by=scoping.signed_in(request.user))
            messages.success(request, f"Task done: {task.title}")
    return HttpResponseRedirect(reverse("casework:my_work"))


class TaskCreate(RecordFormView):
    form_class = f.TaskForm
    title = "Add a task"
    writes = "task"

    def save(self, data: dict[str, Any]) -> models.Model:
        return services.task_create(created_by=scoping.signed_in(self.request.user), **data)

    def done_message(self, saved: models.Model) -> str:
        return f"Task added: {saved}"

    def success_url(self, saved: models.Model) -> str:
        return reverse("casework:my_work")

    def back_url(self) -> str:
        return reverse("casework:my_work")


def _is_ward_manager(user: Any) -> bool:
    return scoping.role_of(user) == scoping.Role.WARD_MANAGER


@login_required
@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    """Open cases in the manager's wards with an assessment, a plan, and a plan whose review is in date."""
    require_role(request, _is_ward_manager)
    today = timezone.localdate()
    wards = list(Area.objects.filter(staff=scoping.profile_of(request.user)).order_by("name"))
    open_plan = CasePlan.objects.filter(household=OuterRef("pk"), status=CasePlan.Status.OPEN)
    rows = (
        Household.objects.filter(ward__in=wards, status=Household.Status.OPEN)
        .annotate(has_plan=Exists(open_plan), in_date=Exists(open_plan.filter(next_review_on__gte=today)))
        .values("ward")
        .annotate(
            open_cases=Count("pk", distinct=True),
            assessed=Count("pk", filter=Q(assessments__isnull=False), distinct=True),
            with_plan=Count("pk", filter=Q(has_plan=True), distinct=True),
            review_in_date=Count("pk", filter=Q(in_date=True), distinct=True),
        )
        .order_by()
    )
    by_ward = {row["ward"]: row for row in rows}
    columns = ["open_cases", "assessed", "with_plan", "review_in_date"]
    table = pd.DataFrame(
        [{"ward": w.name, **{c: by_ward.get(w.pk, {}).get(c, 0) for c in columns}} for w in wards],
        columns=["ward", *columns],
    )
    total_label = "All your wards"
    if len(wards) > 1:
        table = pd.concat(
            [table, pd.DataFrame([{"ward": total_label, **{c: table[c].sum() for c in columns}}])]
        )
    table = table.set_index("ward")
    table["plan_rate"] = [
        _percent(p, n) for p, n in zip(table["with_plan"], table["open_cases"], strict=True)
    ]
    table["review_rate"] = [
        _percent(r, p) for r, p in zip(table["review_in_date"], table["with_plan"], strict=True)
    ]
    published = publish(
        table,
        counts=columns,
        rates={
            "plan_rate": Rate("open_cases", "with_plan"),
            "review_rate": Rate("with_plan", "review_in_date"),
        },
        total_row=total_label if len(wards) > 1 else None,
    )
    return render(
        request,
        "casework/coverage.html",
        {"rows": list(published.reset_index().to_dict("records")), "today": today},
    )


def _percent(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f}%" if whole else ""

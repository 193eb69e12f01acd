"""The housing officer's licensing pages: the work queue, the housing dashboard and the designations.

The dashboard's counts are operational and exact, not published statistics: they count homes, licences and
notices the officer may open one by one on the property pages (properties hold no one's identity, and the
officers' wards are their own), so suppressing small numbers would hide nothing from them. They never leave
the housing roles; any published figure on housing goes through outcomes/disclosure.py as before.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import models, transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from taskforce.org import scoping
from taskforce.org.models import AccessLog, Area
from taskforce.org.views import RecordFormView, log_read, require_role

from .. import forms as f
from .. import services, statutory
from ..models import EnforcementAction, Licence, LicensingDesignation, Property

EXPIRING_WITHIN_DAYS = 90
QUEUE_ROWS = 50


@dataclass
class Queue:
    """One list of the work queue: its first rows and how many there are in all."""

    key: str
    title: str
    rows: list[models.Model]
    total: int


def _queue(key: str, title: str, queryset: models.QuerySet) -> Queue:
    rows = list(queryset[: QUEUE_ROWS + 1])
    total = len(rows) if len(rows) <= QUEUE_ROWS else queryset.count()
    return Queue(key, title, rows[:QUEUE_ROWS], total)


@login_required
@require_GET
def work_queue(request: HttpRequest) -> HttpResponse:
    """Homes that need a licence and lack one, licences expiring, homes above their licence's limits,
    notices past their compliance date, and appeals pending, in the officer's wards."""
    require_role(request, scoping.sees_housing_records)
    today = timezone.localdate()
    homes = Property.objects.visible_to(request.user).select_related("area").with_licensing(today)
    by_address = ("postcode", "address_line_1", "pk")
    with transaction.atomic():
        unlicensed = _queue(
            "unlicensed",
            "Need a licence and have none in force",
            homes.filter(unlicensed=True).order_by(*by_address),
        )
        crowded = _queue(
            "over-occupied",
            "More people or households than the licence permits",
            homes.filter(over_occupied=True).order_by(*by_address),
        )
        expiring = _queue(
            "expiring",
            f"Licences expiring within {EXPIRING_WITHIN_DAYS} days",
            Licence.objects.visible_to(request.user)
            .expiring(today, within_days=EXPIRING_WITHIN_DAYS)
            .select_related("property")
            .order_by("expires_on", "pk"),
        )
        notices = EnforcementAction.objects.visible_to(request.user).select_related("property")
        overdue = _queue(
            "overdue",
            "Notices past their compliance date",
            notices.overdue(today).order_by("comply_by", "pk"),
        )
        appeals = _queue("appeals", "Appeals pending", notices.appealed().order_by("served_on", "pk"))
        log_read(
            request,
            model=Property,
            ids=[p.pk for q in (unlicensed, crowded) for p in q.rows],
            action=AccessLog.Action.LIST,
            person_ids=[],
        )
        return render(
            request,
            "households/licensing_queue.html",
            {
                "today": today,
                "unlicensed": unlicensed,
                "crowded": crowded,
                "expiring": expiring,
                "overdue": overdue,
                "appeals": appeals,
                "queues": [unlicensed, crowded, expiring, overdue, appeals],
                "queue_rows": QUEUE_ROWS,
            },
        )


@dataclass
class WardCounts:
    ward: Area
    homes: int = 0
    hmos: int = 0
    need_licence: int = 0
    unlicensed: int = 0
    over_occupied: int = 0
    category_1: int = 0
    licences_in_force: int = 0
    expiring: int = 0
    overdue: int = 0
    appeals: int = 0


def ward_counts(user: scoping.User, today: date) -> list[WardCounts]:
    """Operational counts per ward the user may see (exact: see the module's docstring)."""
    homes = (
        Property.objects.visible_to(user)
        .with_licensing(today)
        .with_open_category_1(today)
        .order_by()
        .values("area")
        .annotate(
            homes=Count("pk"),
            hmos=Count("pk", filter=Q(is_hmo=True)),
            need_licence=Count("pk", filter=~Q(needs_licence="")),
            unlicensed=Count("pk", filter=Q(unlicensed=True)),
            over_occupied=Count("pk", filter=Q(over_occupied=True)),
            category_1=Count("pk", filter=Q(category_1_open=True)),
        )
    )
    licences = (
        Licence.objects.visible_to(user)
        .in_force(today)
        .order_by()
        .values("property__area")
        .annotate(
            in_force=Count("pk"),
            expiring=Count("pk", filter=Q(expires_on__lte=today + timedelta(days=EXPIRING_WITHIN_DAYS))),
        )
    )
    notices = (
        EnforcementAction.objects.visible_to(user)
        .order_by()
        .values("property__area")
        .annotate(
            overdue=Count("pk", filter=Q(status="served", comply_by__lt=today)),
            appeals=Count("pk", filter=Q(status="appealed")),
        )
    )
    wards = {
        a.pk: WardCounts(a) for a in Area.objects.filter(staff=scoping.profile_of(user)).order_by("name")
    }
    for row in homes:
        counts = wards.get(row["area"])
        if counts is not None:
            for name in ("homes", "hmos", "need_licence", "unlicensed", "over_occupied", "category_1"):
                setattr(counts, name, row[name])
    for row in licences:
        if (counts := wards.get(row["property__area"])) is not None:
            counts.licences_in_force, counts.expiring = row["in_force"], row["expiring"]
    for row in notices:
        if (counts := wards.get(row["property__area"])) is not None:
            counts.overdue, counts.appeals = row["overdue"], row["appeals"]
    return list(wards.values())


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    require_role(request, scoping.sees_housing_records)
    today = timezone.localdate()
    return render(
        request,
        "households/licensing_dashboard.html",
        {"today": today, "wards": ward_counts(request.user, today), "expiring_days": EXPIRING_WITHIN_DAYS},
    )


class DesignationCreate(RecordFormView):
    writes = "housing"
    form_class = f.DesignationForm
    title = "Record a licensing designation"

    def save(self, data: dict[str, Any]) -> LicensingDesignation:
        return services.designation_record(**data)

    def success_url(self, saved: models.Model) -> str:
        return reverse("households:designations")

    def back_url(self) -> str:
        return reverse("households:designations")

    def caption(self) -> str:
        return "Licensing"


class DesignationEdit(DesignationCreate):
    title = "Change the licensing designation"
    fields_from_instance = services.DESIGNATION_FIELDS
    instance: LicensingDesignation

    def load(self, **kwargs: Any) -> None:
        self.instance = get_object_or_404(LicensingDesignation, pk=kwargs["pk"])

    def log(self) -> None:
        """A designation names no one: nothing to log."""

    def initial(self) -> dict[str, Any]:
        initial = super().initial()
        initial["wards"] = [a.pk for a in initial.get("wards", [])]
        return initial

    def save(self, data: dict[str, Any]) -> LicensingDesignation:
        return services.designation_update(designation=self.instance, **data)


@login_required
@require_GET
def designations(request: HttpRequest) -> HttpResponse:
    """The national mandatory HMO rule and the council's designations, with the wards each covers."""
    require_role(request, scoping.sees_housing_records)
    today = timezone.localdate()
    rules = statutory.rules()
    return render(
        request,
        "households/designations.html",
        {
            "today": today,
            "designations": LicensingDesignation.objects.prefetch_related("wards").order_by(
                "-starts_on", "name"
            ),
            "mandatory_people": rules["mandatory_hmo_min_people"],
            "mandatory_households": rules["mandatory_hmo_min_households"],
            "mandatory_source": statutory.rule_source("mandatory_hmo_min_people"),
            "periods": sorted(statutory.periods().values(), key=lambda p: (p.action, p.period)),
            "can_write": scoping.may_write(request.user, "housing"),
        },
    )

"""The caseload: the households a case role may see, searched, filtered and sorted, 25 a page; ward managers
also give ticked households to one caseworker from it."""

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from taskforce.org import audit, scoping
from taskforce.org.models import AccessLog, Area, StaffProfile
from taskforce.org.views import log_read, require_role

from .. import forms as f
from .. import services
from ..models import Household, Membership, Residence

PAGE_SIZE = 25
CASELOAD_SORTS = {
    "reference": ("case_reference",),
    "-reference": ("-case_reference",),
    "opened": ("opened_on", "case_reference"),
    "-opened": ("-opened_on", "case_reference"),
    "ward": ("ward__name", "case_reference"),
}


class CaseloadFilter(f.GovukForm):
    q = forms.CharField(
        label="Search",
        required=False,
        help_text="Name (spelling-tolerant), date of birth, case reference, National Insurance number, "
        "postcode or its start (CT9), or UPRN",
    )
    # Empty means the default: a caseworker's own cases, or every case in scope when searching.
    cases = forms.ChoiceField(choices=[], required=False, label="Cases")
    ward = forms.ModelChoiceField(queryset=Area.objects.none(), required=False, empty_label="All your wards")
    status = forms.ChoiceField(
        choices=[
            ("", "Open (any status when searching)"),
            *Household.Status.choices,
            ("any", "Open or closed"),
        ],
        required=False,
        label="Case status",
    )
    key_worker = forms.ModelChoiceField(
        queryset=StaffProfile.objects.none(), required=False, empty_label="Anyone", label="Key worker"
    )
    interventions = forms.ChoiceField(
        choices=[("", "Any"), ("open", "Open interventions"), ("none", "No open interventions")],
        required=False,
    )
    placement = forms.ChoiceField(
        choices=[("", "Any"), ("placed", "Placed now"), ("not", "Not placed")], required=False
    )
    sort = forms.ChoiceField(
        choices=[
            ("reference", "Case reference"),
            ("-opened", "Newest first"),
            ("opened", "Oldest first"),
            ("ward", "Ward"),
        ],
        required=False,
        label="Sort by",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        # Caseworkers open on their own open cases; ward managers, who hold none, on every open case. A search
        # looks through every case in scope, open or closed, unless the user narrows it.
        self.profile = scoping.profile_of(user)
        super().__init__(*args, **kwargs)
        caseworker = scoping.role_of(user) == StaffProfile.Role.CASEWORKER
        self.default_cases = "mine" if caseworker else "all"
        cast(forms.ChoiceField, self.fields["cases"]).choices = (
            [
                ("", "Assigned to me (all when searching)"),
                ("all", "All I may see"),
                ("mine", "Assigned to me, also when searching"),
            ]
            if caseworker
            else [("", "All I may see"), ("mine", "Assigned to me")]
        )
        wards = f.user_wards(user)
        cast(forms.ModelChoiceField, self.fields["ward"]).queryset = wards
        cast(forms.ModelChoiceField, self.fields["key_worker"]).queryset = (
            StaffProfile.objects.filter(role=StaffProfile.Role.CASEWORKER, wards__in=wards)
            .select_related("user", "agency")
            .distinct()
        )

    def apply(self, queryset: Any) -> Any:
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("q"):
            queryset = queryset.matching(data["q"])
        if data.get("ward"):
            queryset = queryset.filter(ward=data["ward"])
        searching = bool(data.get("q"))
        if (data.get("cases") or ("all" if searching else self.default_cases)) == "mine":
            queryset = queryset.filter(key_worker=self.profile)
        status = data.get("status") or ("any" if searching else Household.Status.OPEN)
        if status != "any":
            queryset = queryset.filter(status=status)
        if data.get("key_worker"):
            queryset = queryset.filter(key_worker=data["key_worker"])
        if data.get("interventions") == "open":
            queryset = queryset.filter(open_interventions__gt=0)
        elif data.get("interventions") == "none":
            queryset = queryset.filter(open_interventions=0)
        if data.get("placement"):
            queryset = queryset.filter(placed=data["placement"] == "placed")
        return queryset.order_by(
            *CASELOAD_SORTS.get(data.get("sort") or "reference", ("case_reference",)), "pk"
        )


@login_required
@require_http_methods(["GET", "POST"])
def caseload(request: HttpRequest) -> HttpResponse:
    """The caseload list. Ward managers also tick households on it and give them all to one caseworker
    (a POST to the same page, so a refused assignment comes back with the filters, page and ticks kept)."""
    require_role(request, scoping.sees_cases)
    assign_form = None
    if scoping.may_write(request.user, "key_worker"):
        assign_form = f.CaseloadAssignForm(
            request.POST if request.method == "POST" else None, user=request.user
        )
    elif request.method == "POST":
        raise PermissionDenied("Your role cannot assign key workers.")
    if assign_form is not None and assign_form.is_bound and assign_form.is_valid():
        try:
            with transaction.atomic(), audit.route("web"):
                assigned = services.household_assign_many(
                    households=assign_form.cleaned_data["households"],
                    key_worker=assign_form.cleaned_data["key_worker"],
                )
        except ValidationError as error:
            assign_form.add_service_errors(error)
        else:
            references = ", ".join(h.case_reference for h in assigned)
            worker = f.staff_name(assign_form.cleaned_data["key_worker"])
            messages.success(
                request,
                f"{len(assigned)} household{'s' if len(assigned) != 1 else ''} assigned to {worker}: "
                f"{references}",
            )
            return HttpResponseRedirect(request.get_full_path())
    return caseload_page(request, assign_form=assign_form)


def caseload_page(request: HttpRequest, *, assign_form: f.CaseloadAssignForm | None) -> HttpResponse:
    today = timezone.localdate()
    filters = CaseloadFilter(request.GET or None, user=request.user)
    households = filters.apply(
        Household.objects.visible_to(request.user)
        .with_caseload_facts(today)
        .select_related("ward", "key_worker__user")
        .prefetch_related(
            models.Prefetch(
                "memberships",
                queryset=Membership.objects.filter(left_on__isnull=True)
                .select_related("person")
                .order_by("joined_on"),
                to_attr="current_members",
            ),
            models.Prefetch(
                "residences",
                queryset=Residence.objects.filter(moved_out__isnull=True).select_related("property"),
                to_attr="current_homes",
            ),
        )
    )
    with transaction.atomic():
        page = Paginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        searched = bool(filters.is_bound and filters.is_valid() and filters.cleaned_data.get("q"))
        log_read(
            request,
            model=Household,
            ids=[h.pk for h in rows],
            action=AccessLog.Action.SEARCH if searched else AccessLog.Action.LIST,
            person_ids=[m.person_id for h in rows for m in h.current_members],
        )
        return render(
            request,
            "households/caseload.html",
            {
                "filters": filters,
                "page": page,
                "rows": rows,
                "can_create": scoping.may_write(request.user, "case"),
                "assign_form": assign_form,
                "selected": assign_form.selected() if assign_form is not None else set(),
                "per_worker": caseload_per_worker(request.user) if assign_form is not None else None,
            },
        )


def caseload_per_worker(user: Any) -> dict[str, Any]:
    """For a ward manager: open cases held by each caseworker in their wards, and those held by no one, so
    that work can be rebalanced from the list below (ticked cases given to one caseworker)."""
    wards = f.user_wards(user)
    open_cases = Household.objects.visible_to(user).open()
    workers = (
        StaffProfile.objects.filter(pk__in=f.caseworkers_in(wards).values("pk"))
        .select_related("user", "agency")
        .annotate(
            open_cases=models.Count(
                "caseload", filter=models.Q(caseload__in=open_cases.values("pk")), distinct=True
            )
        )
        .order_by("-open_cases", "user__last_name", "user__username")
    )
    return {"workers": list(workers), "unassigned": open_cases.filter(key_worker__isnull=True).count()}

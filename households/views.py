"""Web pages for case work and homes. Views are thin: a scoped read, one access-log row per page of personal
data (the same `taskforce.org.audit` calls the API makes), and writes through the services.

Who may use a page follows the API: a role that never sees cases gets 403; a record outside the user's
scope is 404, as if it did not exist.
"""

from collections.abc import Callable, Sequence
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models, transaction
from django.forms import Form, model_to_dict
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.http import require_GET, require_http_methods

from outcomes.models import BenefitRecord
from taskforce.org import audit, scoping
from taskforce.org.models import AccessLog, Area, StaffProfile
from taskforce.org.validators import normalise_postcode

from . import forms as f
from . import selectors, services
from .models import (
    DataSharingBasis,
    EnforcementAction,
    HazardFinding,
    Household,
    Inspection,
    Licence,
    Membership,
    Person,
    Placement,
    Property,
    Residence,
)

Role = StaffProfile.Role
PAGE_SIZE = 25
SECTIONS = [
    ("summary", "Summary"),
    ("members", "Members"),
    ("home", "Home and moves"),
    ("interventions", "Interventions"),
    ("referrals", "Referrals"),
    ("placements", "Placements"),
    ("benefits", "Benefits"),
    ("history", "History"),
]
CASELOAD_SORTS = {
    "reference": ("case_reference",),
    "-reference": ("-case_reference",),
    "opened": ("opened_on", "case_reference"),
    "-opened": ("-opened_on", "case_reference"),
    "ward": ("ward__name", "case_reference"),
}


def log_read(
    request: HttpRequest,
    *,
    model: type[models.Model],
    ids: Sequence[int],
    action: str = AccessLog.Action.DETAIL,
    person_ids: Sequence[int] | None = None,
) -> None:
    """One access-log row for a page of personal data, in the caller's transaction, as the API writes it."""
    audit.access_record(
        user=request.user,
        route=AccessLog.Route.WEB,
        action=action,
        resource=model._meta.label_lower,
        object_ids=ids,
        person_ids=audit.people_exposed_by(model, ids) if person_ids is None else person_ids,
        query=request.META.get("QUERY_STRING", ""),
        client_address=request.META.get("REMOTE_ADDR") or None,
    )


def require_role(request: HttpRequest, allowed: Callable[[Any], bool]) -> None:
    if not allowed(request.user):
        raise PermissionDenied("Your role cannot use this page.")


def visible_household(request: HttpRequest, pk: int) -> Household:
    require_role(request, scoping.sees_cases)
    return get_object_or_404(
        Household.objects.visible_to(request.user).select_related(
            "ward", "key_worker__user", "key_worker__agency"
        ),
        pk=pk,
    )


# Caseload


class CaseloadFilter(f.GovukForm):
    q = forms.CharField(
        label="Search",
        required=False,
        help_text="Name, case reference, National Insurance number, postcode or UPRN",
    )
    ward = forms.ModelChoiceField(queryset=Area.objects.none(), required=False, empty_label="All your wards")
    status = forms.ChoiceField(
        choices=[("", "Any"), *Household.Status.choices], required=False, label="Case status"
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
        super().__init__(*args, **kwargs)
        wards = f.user_wards(user)
        cast(forms.ModelChoiceField, self.fields["ward"]).queryset = wards
        cast(forms.ModelChoiceField, self.fields["key_worker"]).queryset = (
            StaffProfile.objects.filter(role=Role.CASEWORKER, wards__in=wards)
            .select_related("user", "agency")
            .distinct()
        )

    def apply(self, queryset: Any) -> Any:
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("q"):
            queryset = queryset.matching(data["q"])
        if data.get("ward"):
            queryset = queryset.filter(ward=data["ward"])
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
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
    if scoping.role_of(request.user) == Role.WARD_MANAGER:
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
                "can_create": scoping.role_of(request.user) == Role.CASEWORKER,
                "assign_form": assign_form,
                "selected": assign_form.selected() if assign_form is not None else set(),
            },
        )


# The household page and its sections


@login_required
@require_GET
def household_page(request: HttpRequest, pk: int, section: str = "summary") -> HttpResponse:
    if section not in dict(SECTIONS):
        raise Http404
    with transaction.atomic():
        household = visible_household(request, pk)
        records = selectors.household_records(household=household, user=request.user)
        today = timezone.localdate()
        context: dict[str, Any] = {
            "household": household,
            "records": records,
            "section": section,
            "sections": SECTIONS,
            "flags": selectors.household_flags(records=records, today=today),
            "today": today,
            "can_write": scoping.role_of(request.user) == Role.CASEWORKER,
            "can_assign": scoping.role_of(request.user) == Role.WARD_MANAGER,
            "summary": selectors.summary(records),
        }
        people = selectors.people_of(records)
        model: type[models.Model] = Household
        ids = [household.pk]
        if section in {"summary", "history"}:
            context["timeline"] = selectors.household_timeline(records=records)
            if section == "summary":
                context["timeline"] = context["timeline"][:8]
            else:
                context["changes"] = selectors.household_changes(records=records)
                # A change may name someone who is no longer on the case (an intervention's person before
                # it was corrected): the log covers everyone the table shows.
                people = sorted(set(people).union(*(c.person_ids for c in context["changes"])))
        elif section == "benefits":
            context["benefits"] = list(
                BenefitRecord.objects.visible_to(request.user)
                .filter(person__in=people)
                .select_related("benefit", "person")
                .order_by("-month", "person__family_name", "benefit__name")[:120]
            )
            if context["benefits"]:
                model, ids = BenefitRecord, [b.pk for b in context["benefits"]]
        log_read(request, model=model, ids=ids, person_ids=people)
        return render(request, "households/household.html", context)


# Forms


class RecordFormView(View):
    """A GOV.UK form page that feeds one service. Subclasses say who may use it, which form, and what to save.

    A failed submission re-renders with everything the user typed, the error summary and inline messages;
    a service's ValidationError lands on the fields it names.
    """

    form_class: type[Form]
    template_name = "households/form.html"
    title: str
    button = "Save"
    allowed: Callable[[Any], bool] = staticmethod(lambda user: scoping.role_of(user) == Role.CASEWORKER)
    household: Household | None = None
    instance: models.Model | None = None
    fields_from_instance: Sequence[str] = ()

    @method_decorator(login_required)
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not self.allowed(request.user):
            # Case roles that may read but not write (ward managers) get 403; others never see the record.
            raise PermissionDenied("Your role cannot make this change.")
        with transaction.atomic(), audit.route("web"):
            self.load(**kwargs)
            return super().dispatch(request, *args, **kwargs)

    def load(self, **kwargs: Any) -> None:
        if "household_pk" in kwargs:
            self.household = visible_household(self.request, kwargs["household_pk"])

    def initial(self) -> dict[str, Any]:
        if self.instance is None:
            return {}
        return model_to_dict(self.instance, fields=self.fields_from_instance or None)

    def get_form(self, data: Any = None) -> Form:
        return self.form_class(data, initial=self.initial(), user=self.request.user)  # type: ignore[call-arg]

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        self.log()
        return self.render(self.get_form())

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    saved = self.save(form.cleaned_data)
            except ValidationError as error:
                form.add_service_errors(error)  # type: ignore[attr-defined]
            else:
                messages.success(request, self.done_message(saved))
                return HttpResponseRedirect(self.success_url(saved))
        self.log()
        return self.render(form, status=200)

    def log(self) -> None:
        target = self.instance if self.instance is not None else self.household
        if target is not None:
            log_read(self.request, model=type(target), ids=[target.pk])

    def render(self, form: Form, status: int = 200) -> HttpResponse:
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "view": self,
                "household": self.household,
                "title": self.title,
                "button": self.button,
            },
            status=status,
        )

    def save(self, data: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def done_message(self, saved: models.Model) -> str:
        return f"{self.title}: saved"

    def success_url(self, saved: models.Model) -> str:
        return reverse("households:detail", args=[self.household.pk])  # type: ignore[union-attr]

    def back_url(self) -> str:
        if self.household is not None:
            return reverse("households:detail", args=[self.household.pk])
        return reverse("households:caseload")

    def caption(self) -> str:
        return self.household.case_reference if self.household else ""


def section_url(household: Household, section: str) -> str:
    return reverse("households:section", args=[household.pk, section])


class HouseholdCreate(RecordFormView):
    form_class = f.HouseholdCreateForm
    title = "Open a new case"
    button = "Open the case"

    def save(self, data: dict[str, Any]) -> Household:
        return services.household_register(
            case_reference=data["case_reference"],
            ward=data["ward"],
            opened_on=data["opened_on"],
            key_worker=data.get("key_worker"),
            basis=data["basis"],
            agencies=data["agencies"],
            recorded_by=scoping.signed_in(self.request.user),
        )

    def done_message(self, saved: models.Model) -> str:
        return f"Case {saved} opened"

    def success_url(self, saved: models.Model) -> str:
        return reverse("households:detail", args=[saved.pk])


class HouseholdEdit(RecordFormView):
    form_class = f.HouseholdEditForm
    title = "Change case details"
    fields_from_instance = services.HOUSEHOLD_FIELDS
    household: Household  # set by load(), from the URL, before the page runs (likewise below)

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.instance = self.household

    def save(self, data: dict[str, Any]) -> Household:
        household = self.household
        closing = data["status"] == Household.Status.CLOSED and household.status == Household.Status.OPEN
        if closing and data.get("closed_on") is None:
            raise ValidationError({"closed_on": "Enter the date the case closed"})
        # Closing also ends every membership and the current home.
        return services.household_update(household=household, **data)


class MemberAdd(RecordFormView):
    form_class = f.MemberAddForm
    title = "Add a member"
    household: Household

    def save(self, data: dict[str, Any]) -> Person:
        return services.person_register(household=self.household, **data)

    def success_url(self, saved: models.Model) -> str:
        return section_url(self.household, "members")


class PersonEdit(RecordFormView):
    form_class = f.PersonForm
    title = "Change personal details"
    fields_from_instance = services.PERSON_FIELDS
    household: Household
    instance: Person

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.instance = get_object_or_404(
            Person.objects.visible_to(self.request.user)
            .filter(memberships__household=self.household)
            .distinct(),
            pk=kwargs["pk"],
        )

    def save(self, data: dict[str, Any]) -> Person:
        return services.person_update(person=self.instance, **data)

    def success_url(self, saved: models.Model) -> str:
        return section_url(self.household, "members")


class MembershipEdit(RecordFormView):
    form_class = f.MembershipForm
    title = "Change membership"
    fields_from_instance = services.MEMBERSHIP_FIELDS
    household: Household
    instance: Membership

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.instance = get_object_or_404(
            Membership.objects.of_household(self.household, self.request.user), pk=kwargs["pk"]
        )

    def save(self, data: dict[str, Any]) -> Membership:
        return services.membership_update(membership=self.instance, **data)

    def success_url(self, saved: models.Model) -> str:
        return section_url(self.household, "members")


class MoveRecord(RecordFormView):
    form_class = f.MoveForm
    title = "Record a move"
    household: Household

    def save(self, data: dict[str, Any]) -> models.Model:
        return services.residence_record(
            household=self.household, property=data["property"], moved_in=data["moved_in"]
        )

    def success_url(self, saved: models.Model) -> str:
        return section_url(self.household, "home")


class SharingBasisCreate(RecordFormView):
    form_class = f.SharingBasisForm
    title = "Record a data-sharing basis"
    household: Household

    def save(self, data: dict[str, Any]) -> DataSharingBasis:
        return services.data_sharing_basis_record(
            household=self.household, recorded_by=scoping.signed_in(self.request.user), **data
        )


class SharingBasisEdit(RecordFormView):
    form_class = f.SharingBasisForm
    title = "Change the data-sharing basis"
    fields_from_instance = services.DATA_SHARING_BASIS_FIELDS
    household: Household
    instance: DataSharingBasis

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.instance = get_object_or_404(
            DataSharingBasis.objects.of_household(self.household, self.request.user),
            pk=kwargs["pk"],
        )

    def initial(self) -> dict[str, Any]:
        initial = super().initial()
        initial["agencies"] = [a.pk for a in initial.get("agencies", [])]
        return initial

    def save(self, data: dict[str, Any]) -> DataSharingBasis:
        return services.data_sharing_basis_update(data_sharing_basis=self.instance, **data)

    def success_url(self, saved: models.Model) -> str:
        # The change may end this user's own access; the caseload is always there to return to.
        if not Household.objects.visible_to(self.request.user).filter(pk=self.household.pk).exists():
            return reverse("households:caseload")
        return reverse("households:detail", args=[self.household.pk])


class PlacementCreate(RecordFormView):
    form_class = f.PlacementForm
    title = "Record a placement"
    household: Household

    def save(self, data: dict[str, Any]) -> Placement:
        return services.placement_record(household=self.household, **data)

    def success_url(self, saved: models.Model) -> str:
        return section_url(self.household, "placements")


class PlacementEdit(PlacementCreate):
    title = "Change the placement"
    fields_from_instance = services.PLACEMENT_FIELDS
    instance: Placement

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.instance = get_object_or_404(
            Placement.objects.of_household(self.household, self.request.user).select_related("accommodation"),
            pk=kwargs["pk"],
        )

    def initial(self) -> dict[str, Any]:
        return super().initial() | {"accommodation": self.instance.accommodation}

    def save(self, data: dict[str, Any]) -> Placement:
        return services.placement_update(placement=self.instance, **data)


def _is_ward_manager(user: Any) -> bool:
    return scoping.role_of(user) == Role.WARD_MANAGER


class KeyWorkerAssign(RecordFormView):
    """A ward manager gives a case to a caseworker in its ward, or leaves it unassigned."""

    form_class = f.KeyWorkerForm
    title = "Change key worker"
    button = "Save key worker"
    allowed = staticmethod(_is_ward_manager)
    household: Household

    def initial(self) -> dict[str, Any]:
        return {"key_worker": self.household.key_worker_id}

    def get_form(self, data: Any = None) -> Form:
        household: Household = self.household
        return f.KeyWorkerForm(data, initial=self.initial(), user=self.request.user, household=household)

    def save(self, data: dict[str, Any]) -> Household:
        # Locked until the transaction ends, so two managers cannot both assign from the same reading.
        pk = self.household.pk
        household = Household.objects.select_for_update(of=("self",)).select_related("ward").get(pk=pk)
        return services.household_assign(household=household, key_worker=data["key_worker"])

    def done_message(self, saved: models.Model) -> str:
        worker = saved.key_worker  # type: ignore[attr-defined]
        if worker is None:
            return f"{saved} has no key worker now"
        return f"{saved}: key worker is now {f.staff_name(worker)}"


# Properties and housing records: housing officers write, ward managers read.


def visible_property(request: HttpRequest, pk: int) -> Property:
    require_role(request, scoping.sees_housing_records)
    return get_object_or_404(Property.objects.visible_to(request.user).select_related("area"), pk=pk)


class PropertyFilter(f.GovukForm):
    q = forms.CharField(label="Search", required=False, help_text="Address, postcode, UPRN or landlord")
    hmo = forms.ChoiceField(choices=[("", "Any"), ("yes", "HMOs only")], required=False, label="HMO")


@login_required
@require_GET
def properties(request: HttpRequest) -> HttpResponse:
    require_role(request, scoping.sees_housing_records)
    filters = PropertyFilter(request.GET or None)
    homes = Property.objects.visible_to(request.user).select_related("area")
    data = filters.cleaned_data if filters.is_valid() else {}
    if text := " ".join((data.get("q") or "").split()):
        condition = models.Q(address_line_1__icontains=text) | models.Q(landlord__icontains=text)
        condition |= models.Q(postcode__iexact=normalise_postcode(text))
        if text.isdigit() and len(text) <= 12:
            condition |= models.Q(uprn=int(text))
        homes = homes.filter(condition)
    if data.get("hmo") == "yes":
        homes = homes.filter(is_hmo=True)
    with transaction.atomic():
        page = Paginator(homes.order_by("postcode", "address_line_1", "pk"), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        rows = list(page.object_list)
        log_read(
            request,
            model=Property,
            ids=[p.pk for p in rows],
            action=AccessLog.Action.SEARCH if data.get("q") else AccessLog.Action.LIST,
            person_ids=[],
        )
        return render(
            request,
            "households/properties.html",
            {
                "filters": filters,
                "page": page,
                "rows": rows,
                "can_write": scoping.role_of(request.user) == Role.HOUSING_OFFICER,
            },
        )


@login_required
@require_GET
def property_page(request: HttpRequest, pk: int) -> HttpResponse:
    with transaction.atomic():
        home = visible_property(request, pk)
        today = timezone.localdate()
        occupants = (
            Property.objects.filter(pk=home.pk).with_occupants(today).values_list("occupants", flat=True)[0]
        )
        licences = list(Licence.objects.visible_to(request.user).filter(property=home))
        inspections = list(
            Inspection.objects.visible_to(request.user)
            .filter(property=home)
            .select_related("officer__user")
            .prefetch_related(
                models.Prefetch("findings", queryset=HazardFinding.objects.select_related("hazard"))
            )
        )
        enforcement = list(
            EnforcementAction.objects.visible_to(request.user)
            .filter(property=home)
            .select_related("finding__hazard")
            .order_by("-served_on", "-pk")
        )
        log_read(request, model=Property, ids=[home.pk], person_ids=[])
        return render(
            request,
            "households/property.html",
            {
                "home": home,
                "occupants": occupants,
                "licences": licences,
                "inspections": inspections,
                "enforcement": enforcement,
                "can_write": scoping.role_of(request.user) == Role.HOUSING_OFFICER,
            },
        )


def _is_housing_officer(user: Any) -> bool:
    return scoping.role_of(user) == Role.HOUSING_OFFICER


class HousingFormView(RecordFormView):
    allowed = staticmethod(_is_housing_officer)
    home: Property | None = None

    def load(self, **kwargs: Any) -> None:
        if "property_pk" in kwargs:
            self.home = visible_property(self.request, kwargs["property_pk"])

    def log(self) -> None:
        target = self.instance if self.instance is not None else self.home
        if target is not None:
            log_read(self.request, model=type(target), ids=[target.pk], person_ids=[])

    def success_url(self, saved: models.Model) -> str:
        return reverse("households:property", args=[self.home.pk if self.home else saved.pk])

    def back_url(self) -> str:
        if self.home is not None:
            return reverse("households:property", args=[self.home.pk])
        return reverse("households:properties")

    def caption(self) -> str:
        return str(self.home) if self.home else "Properties"


class PropertyCreate(HousingFormView):
    form_class = f.PropertyForm
    title = "Register a property"

    def save(self, data: dict[str, Any]) -> Property:
        return services.property_register(**data)


class PropertyEdit(HousingFormView):
    form_class = f.PropertyForm
    title = "Change property details"
    fields_from_instance = services.PROPERTY_FIELDS
    home: Property  # loaded from the URL before the page runs
    instance: Property

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.instance = self.home

    def save(self, data: dict[str, Any]) -> Property:
        return services.property_update(property=self.instance, **data)


class LicenceCreate(HousingFormView):
    form_class = f.LicenceForm
    title = "Record a licence"
    home: Property  # loaded from the URL before the page runs (likewise below)

    def save(self, data: dict[str, Any]) -> Licence:
        return services.licence_record(property=self.home, **data)


class LicenceEdit(HousingFormView):
    form_class = f.LicenceForm
    title = "Change the licence"
    fields_from_instance = ("number", *services.LICENCE_FIELDS)
    instance: Licence

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.instance = get_object_or_404(
            Licence.objects.visible_to(self.request.user).filter(property=self.home), pk=kwargs["pk"]
        )

    def save(self, data: dict[str, Any]) -> Licence:
        # The number identifies the licence and cannot change once recorded.
        if data.get("number") != self.instance.number:
            raise ValidationError({"number": "The licence number cannot be changed once recorded"})
        data = {k: v for k, v in data.items() if k != "number"}
        return services.licence_update(licence=self.instance, **data)


class InspectionCreate(HousingFormView):
    form_class = f.InspectionForm
    title = "Record an inspection"
    home: Property

    def save(self, data: dict[str, Any]) -> Inspection:
        return services.inspection_record(
            property=self.home, officer=scoping.profile_of(self.request.user), **data
        )


class HazardFindingCreate(HousingFormView):
    form_class = f.HazardFindingForm
    title = "Record a hazard"
    home: Property
    inspection: Inspection

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.inspection = get_object_or_404(
            Inspection.objects.visible_to(self.request.user).filter(property=self.home),
            pk=kwargs["inspection_pk"],
        )

    def save(self, data: dict[str, Any]) -> models.Model:
        return services.hazard_finding_record(inspection=self.inspection, **data)

    def caption(self) -> str:
        return f"Inspection on {self.inspection.inspected_on:%d %B %Y}, {self.home}"


class EnforcementCreate(HousingFormView):
    """Record an enforcement action on a property, from the property page or from one of its hazards."""

    form_class = f.EnforcementActionForm
    title = "Record enforcement action"
    home: Property
    finding: HazardFinding | None = None

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        if "finding_pk" in kwargs:
            self.finding = get_object_or_404(
                HazardFinding.objects.visible_to(self.request.user)
                .filter(inspection__property=self.home)
                .select_related("hazard", "inspection"),
                pk=kwargs["finding_pk"],
            )

    def initial(self) -> dict[str, Any]:
        initial = super().initial()
        if self.finding is not None:
            initial["finding"] = self.finding.pk
        return initial

    def get_form(self, data: Any = None) -> Form:
        return f.EnforcementActionForm(data, initial=self.initial(), user=self.request.user, home=self.home)

    def save(self, data: dict[str, Any]) -> EnforcementAction:
        return services.enforcement_record(property=self.home, **data)

    def done_message(self, saved: models.Model) -> str:
        return f"{saved.get_type_display()} recorded"  # type: ignore[attr-defined]

    def caption(self) -> str:
        if self.finding is not None:
            return f"{self.finding.hazard.name}, {self.home}"
        return super().caption()


class EnforcementEdit(EnforcementCreate):
    title = "Change enforcement action"
    fields_from_instance = services.ENFORCEMENT_ACTION_FIELDS

    def load(self, **kwargs: Any) -> None:
        super().load(**kwargs)
        self.instance = get_object_or_404(
            EnforcementAction.objects.visible_to(self.request.user).filter(property=self.home),
            pk=kwargs["pk"],
        )

    def save(self, data: dict[str, Any]) -> EnforcementAction:
        action: EnforcementAction = self.instance  # type: ignore[assignment]
        return services.enforcement_update(enforcement_action=action, **data)

    def done_message(self, saved: models.Model) -> str:
        return f"{saved.get_type_display()} changed"  # type: ignore[attr-defined]

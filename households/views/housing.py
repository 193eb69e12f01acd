"""Homes and the records on them: properties, licences, inspections, HHSRS hazards and enforcement. Housing
officers write them; ward managers read them; a page shows how many people live in a home, never who."""

from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models, transaction
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from taskforce.org import audit, scoping
from taskforce.org.models import AccessLog, Area
from taskforce.org.views import RecordFormView, log_read, require_role

from .. import forms as f
from .. import services
from ..models import EnforcementAction, HazardFinding, Inspection, Licence, Property

PAGE_SIZE = 25


def visible_property(request: HttpRequest, pk: int) -> Property:
    require_role(request, scoping.sees_housing_records)
    return audit.visible_or_404(
        request, Property.objects.visible_to(request.user).select_related("area"), pk=pk
    )


NEEDS_LABELS = {
    "mandatory_hmo": "a mandatory HMO licence",
    "additional": "an additional HMO licence",
    "selective": "a selective licence",
}


class PropertyFilter(f.GovukForm):
    q = forms.CharField(label="Search", required=False, help_text="Address, postcode, UPRN or landlord")
    ward = forms.ModelChoiceField(queryset=Area.objects.none(), required=False, empty_label="All your wards")
    hmo = forms.ChoiceField(choices=[("", "Any"), ("yes", "HMOs only")], required=False, label="HMO")
    licensing = forms.ChoiceField(
        choices=[("", "Any"), ("needs", "Needs a licence"), ("unlicensed", "Needs a licence and has none")],
        required=False,
        label="Licensing",
    )
    licence_status = forms.ChoiceField(
        choices=[("", "Any"), *Licence.Status.choices, ("none", "No licence recorded")],
        required=False,
        label="Has a licence that is",
    )
    hazard = forms.ChoiceField(
        choices=[("", "Any"), ("category_1", "Open Category 1 hazard")], required=False, label="Hazards"
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        wards = cast(forms.ModelChoiceField, self.fields["ward"])
        wards.queryset = Area.objects.filter(staff=scoping.profile_of(user)).order_by("name")


@login_required
@require_GET
def properties(request: HttpRequest) -> HttpResponse:
    require_role(request, scoping.sees_housing_records)
    filters = PropertyFilter(request.GET or None, user=request.user)
    today = timezone.localdate()
    homes = Property.objects.visible_to(request.user).select_related("area").with_licensing(today)
    data = filters.cleaned_data if filters.is_valid() else {}
    if data.get("q"):
        homes = homes.matching(data["q"])
    if data.get("ward"):
        homes = homes.filter(area=data["ward"])
    if data.get("hmo") == "yes":
        homes = homes.filter(is_hmo=True)
    if data.get("licensing") == "needs":
        homes = homes.exclude(needs_licence="")
    elif data.get("licensing") == "unlicensed":
        homes = homes.filter(unlicensed=True)
    if data.get("licence_status"):
        homes = homes.with_licence_status(data["licence_status"], today)
    if data.get("hazard") == "category_1":
        homes = homes.with_open_category_1(today).filter(category_1_open=True)
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
                "can_write": scoping.may_write(request.user, "housing"),
            },
        )


@login_required
@require_GET
def property_page(request: HttpRequest, pk: int) -> HttpResponse:
    with transaction.atomic():
        home = visible_property(request, pk)
        today = timezone.localdate()
        licensing = (
            Property.objects.filter(pk=home.pk)
            .with_licensing(today)
            .values(
                "people_now", "households_now", "needs_licence", "licensed_now", "unlicensed", "over_occupied"
            )[0]
        )
        licences = list(Licence.objects.visible_to(request.user).filter(property=home))
        for licence in licences:
            licence.status_today = licence.status_on(today)
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
                "occupants": licensing["people_now"],
                "licensing": licensing,
                "needs_label": NEEDS_LABELS.get(licensing["needs_licence"], ""),
                "licences": licences,
                "inspections": inspections,
                "enforcement": enforcement,
                "can_write": scoping.may_write(request.user, "housing"),
            },
        )


class HousingFormView(RecordFormView):
    writes = "housing"
    home: Property | None = None

    def load(self, **kwargs: Any) -> None:
        if "property_pk" in kwargs:
            self.home = visible_property(self.request, kwargs["property_pk"])

    def subject(self) -> models.Model | None:
        return self.instance if self.instance is not None else self.home

    def log(self) -> None:
        target = self.subject()
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
        self.instance = audit.visible_or_404(
            self.request,
            Licence.objects.visible_to(self.request.user).filter(property=self.home),
            pk=kwargs["pk"],
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
        self.inspection = audit.visible_or_404(
            self.request,
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
            self.finding = audit.visible_or_404(
                self.request,
                # A remedied hazard needs no enforcement: only an open one is offered.
                HazardFinding.objects.visible_to(self.request.user)
                .open()
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
        self.instance = audit.visible_or_404(
            self.request,
            EnforcementAction.objects.visible_to(self.request.user).filter(property=self.home),
            pk=kwargs["pk"],
        )

    def save(self, data: dict[str, Any]) -> EnforcementAction:
        action: EnforcementAction = self.instance  # type: ignore[assignment]
        return services.enforcement_update(enforcement_action=action, **data)

    def done_message(self, saved: models.Model) -> str:
        return f"{saved.get_type_display()} changed"  # type: ignore[attr-defined]

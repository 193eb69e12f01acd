"""The Margate Agreement register (/place/agreement/), recording a signatory, and the maps (/place/maps/)."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from households.agreement import signatory_record
from households.models import Property
from taskforce.org import scoping
from taskforce.org.models import Area
from taskforce.org.views import RecordFormView, log_read, require_role

from ..dashboards.access import dashboard_access
from .agreement import agreement_register
from .forms import SignatoryForm
from .maps import LAYERS, build_map, sees_maps, sees_points


@login_required
@require_GET
def agreement(request: HttpRequest) -> HttpResponse:
    access = dashboard_access(request.user)
    if access is None:
        raise PermissionDenied("The Agreement register is for ward managers and policy leads.")
    label = " and ".join(w.name for w in access.wards)
    register = agreement_register(tuple(w.gss_code for w in access.wards), label)
    return render(
        request,
        "outcomes/place/agreement.html",
        {
            "register": register,
            "label": label,
            "may_sign": scoping.may_write(request.user, "agreement"),
        },
    )


class SignatoryCreate(RecordFormView):
    form_class = SignatoryForm
    title = "Record a signatory of the Margate Agreement"
    button = "Record the signatory"
    writes = "agreement"

    def save(self, data: dict[str, Any]) -> models.Model:
        return signatory_record(
            authority=data["authority"],
            signed_on=data["signed_on"],
            commitments=data["commitments"],
            notes=data.get("notes", ""),
        )

    def done_message(self, saved: models.Model) -> str:
        return f"{saved.authority} recorded as a signatory"  # type: ignore[attr-defined]

    def success_url(self, saved: models.Model) -> str:
        return reverse("outcomes:agreement")

    def back_url(self) -> str:
        return reverse("outcomes:agreement")


def _map_wards(request: HttpRequest) -> list[Area]:
    if scoping.role_of(request.user) == "policy_lead":
        return list(Area.objects.filter(is_target=True).order_by("name"))
    profile = scoping.profile_of(request.user)
    return list(profile.wards.filter(type=Area.Type.WARD).order_by("name")) if profile else []


@login_required
@require_GET
def maps(request: HttpRequest, layer: str = "hmos") -> HttpResponse:
    require_role(request, sees_maps)
    if layer not in LAYERS:
        raise Http404("No such map.")
    the_map = build_map(request.user, layer, wards=_map_wards(request), today=timezone.localdate())
    if the_map.property_ids:
        log_read(request, model=Property, ids=list(the_map.property_ids), person_ids=[])
    return render(
        request,
        "outcomes/place/maps.html",
        {
            "map": the_map,
            "layers": [
                {
                    "slug": slug,
                    "label": label,
                    "current": slug == layer,
                    "points": sees_points(request.user, slug),
                }
                for slug, label in LAYERS.items()
            ],
        },
    )

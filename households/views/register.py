"""The public register of licences (Housing Act 2004 s232): the one page open without signing in.

It lists the licences in force with the statutory fields only (holder, manager, address, conditions, dates,
permitted occupancy) and nothing from case work: not who lives there, not how many, no hazard or notice.
It is rate-limited per client address with django-ratelimit's counter in the default cache.
"""

import io
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_ratelimit.decorators import ratelimit

from taskforce.org.csvsafe import write_csv
from taskforce.org.forms import GovukForm

from ..models import Licence

PUBLIC_REGISTER_RATE = "60/m"
PAGE_SIZE = 50
FIELDS = (
    ("licence_number", "Licence number"),
    ("scheme", "Scheme"),
    ("holder", "Licence holder"),
    ("manager", "Manager"),
    ("address", "Address"),
    ("postcode", "Postcode"),
    ("starts_on", "In force from"),
    ("expires_on", "Expires"),
    ("permitted_occupiers", "Most people permitted"),
    ("permitted_households", "Most households permitted"),
    ("conditions", "Conditions"),
)


def client_key(group: str, request: HttpRequest) -> str:
    """The client's address (REMOTE_ADDR: behind a proxy, the proxy must set it to the client's); one
    shared bucket for a request without one."""
    return request.META.get("REMOTE_ADDR") or "unknown"


class RegisterSearch(GovukForm):
    q = forms.CharField(label="Search", required=False, help_text="Postcode, street or licence number")


def register_entry(licence: Licence) -> dict[str, Any]:
    home = licence.property
    return {
        "licence_number": licence.number,
        "scheme": licence.get_scheme_display(),
        "holder": licence.holder,
        "manager": licence.manager,
        "address": ", ".join(part for part in (home.address_line_1, home.address_line_2, home.town) if part),
        "postcode": home.postcode,
        "starts_on": licence.starts_on,
        "expires_on": licence.expires_on,
        "permitted_occupiers": licence.max_occupiers,
        "permitted_households": licence.max_households,
        "conditions": licence.conditions,
    }


def too_many(request: HttpRequest) -> HttpResponse:
    response = render(request, "households/register_limited.html", status=429)
    response["Retry-After"] = "60"
    return response


@require_GET
@ratelimit(key=client_key, rate=PUBLIC_REGISTER_RATE, group="public-register", block=False)
def public_register(request: HttpRequest) -> HttpResponse:
    """The register page; `?format=csv` gives every entry as CSV."""
    if getattr(request, "limited", False):
        return too_many(request)
    today = timezone.localdate()
    licences = (
        Licence.objects.public_register(today)
        .select_related("property")
        .order_by("property__postcode", "property__address_line_1", "number", "pk")
    )
    search = RegisterSearch(request.GET or None)
    text = search.cleaned_data.get("q", "").strip() if search.is_valid() else ""
    if text:
        licences = licences.filter(
            Q(property__postcode__icontains=text)
            | Q(property__address_line_1__icontains=text)
            | Q(number__iexact=text)
        )
    if request.GET.get("format") == "csv":
        out = io.StringIO()
        write_csv(
            out,
            [name for name, _ in FIELDS],
            ([register_entry(lic)[name] for name, _ in FIELDS] for lic in licences.iterator()),
        )
        return HttpResponse(
            out.getvalue(),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="public-register-of-licences.csv"'},
        )
    page = Paginator(licences, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "households/public_register.html",
        {
            "search": search,
            "page": page,
            "entries": [register_entry(lic) for lic in page.object_list],
            "today": today,
            "text": text,
        },
    )

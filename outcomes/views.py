"""Ward dashboards, the evidence pack and the page to request analyses. Aggregates only, published through
`outcomes.disclosure`; who may see what is decided in `dashboards.dashboard_access` and `can_use_evidence`."""

import io
import logging
from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from taskforce.org import scoping
from taskforce.org.csvsafe import write_csv
from taskforce.org.models import StaffProfile

from . import dashboards, evidence
from .analyses import AREA_METHODS
from .models import AnalysisRun
from .services import analysis_request

logger = logging.getLogger(__name__)


def can_use_evidence(user: scoping.User | None) -> bool:
    """The evidence pack and analysis requests are the policy lead's."""
    return scoping.role_of(user) == StaffProfile.Role.POLICY_LEAD


def _access(request: HttpRequest) -> dashboards.Access:
    access = dashboards.dashboard_access(request.user)
    if access is None:
        raise PermissionDenied("Dashboards are for ward managers and policy leads.")
    return access


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    access = _access(request)
    filters, panels = dashboards.dashboard_for(access, request.GET)
    return render(
        request,
        "outcomes/dashboard.html",
        {
            "access": access,
            "filters": filters,
            "panels": panels,
            "years": list(range(dashboards.FIRST_YEAR, timezone.localdate().year + 1)),
            "combined": dashboards.COMBINED,
            "policy_lead": access.audience == dashboards.POLICY,
        },
    )


@login_required
@require_GET
def dashboard_csv(request: HttpRequest, slug: str) -> HttpResponse:
    access = _access(request)
    if slug not in dashboards.PANELS:
        raise Http404("No such chart.")
    filters, panels = dashboards.dashboard_for(access, request.GET)
    panel = next(p for p in panels if p.slug == slug)
    header, rows = dashboards.panel_csv_rows(panel)
    out = io.StringIO()
    write_csv(out, header, rows)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"{slug}-{filters.ward}-{filters.first_year}-{filters.last_year}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _policy_lead(request: HttpRequest) -> None:
    if not can_use_evidence(request.user):
        raise PermissionDenied("The evidence pack is for policy leads.")


@login_required
@require_GET
def evidence_pack(request: HttpRequest) -> HttpResponse:
    _policy_lead(request)
    return render(request, "outcomes/evidence.html", {"pack": evidence.evidence_pack(), "print": False})


@login_required
@require_GET
def evidence_bundle(request: HttpRequest) -> HttpResponse:
    _policy_lead(request)
    response = HttpResponse(evidence.csv_bundle(evidence.evidence_pack()), content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="evidence-pack-{timezone.localdate():%Y-%m-%d}.zip"'
    )
    return response


@login_required
@require_GET
def evidence_pdf(request: HttpRequest) -> HttpResponse:
    _policy_lead(request)
    from weasyprint import HTML  # imported here: loading Pango costs every process that never prints

    html = render_to_string(
        "outcomes/evidence_print.html",
        {"pack": evidence.evidence_pack().for_print(), "generated": timezone.now()},
        request=request,
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="evidence-pack-{timezone.localdate():%Y-%m-%d}.pdf"'
    )
    return response


class AnalysisForm(forms.Form):
    """What to run. Fields a kind does not use are ignored; the analysis itself checks the rest."""

    kind = forms.ChoiceField(choices=AnalysisRun.Kind.choices)
    measure = forms.ChoiceField(
        required=False,
        choices=[("out_of_work_rate", "Out-of-work rate"), ("out_of_work_claimants", "Claimants")],
    )
    method = forms.ChoiceField(required=False, choices=[(m, m) for m in AREA_METHODS])
    start = forms.RegexField(required=False, regex=r"^\d{4}-\d{2}$", help_text="YYYY-MM, e.g. 2010-09")
    placebos = forms.IntegerField(required=False, min_value=10, max_value=2000)
    period = forms.RegexField(required=False, regex=r"^\d{4}$", help_text="A year, e.g. 2009")
    outcome = forms.ChoiceField(
        required=False,
        choices=[
            ("dependent", "Dependent"),
            ("benefit", "Benefit (£)"),
            ("out_of_work_benefit", "Out-of-work benefit (£)"),
        ],
    )
    design = forms.ChoiceField(required=False, choices=[("did", "DiD"), ("event-study", "Event study")])
    effect = forms.FloatField(required=False)
    effect_se = forms.FloatField(required=False, min_value=0)
    optimism_bias = forms.FloatField(required=False, min_value=0, max_value=1)
    horizon_years = forms.IntegerField(required=False, min_value=1, max_value=75)

    USES = {
        "gap": ("period",),
        "area-impact": ("measure", "method", "start", "placebos"),
        "its": ("measure", "start"),
        "household-impact": ("outcome", "design"),
        "matched": (),
        "savings": ("effect", "effect_se", "optimism_bias", "horizon_years"),
        "placements": (),
        "housing": (),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            users = [AnalysisRun.Kind(kind).label for kind, fields in self.USES.items() if name in fields]
            if users:
                field.help_text = " ".join(
                    filter(None, [str(field.help_text), f"Used by: {', '.join(users)}."])
                )
            if isinstance(field, forms.ChoiceField) and not field.required:
                field.choices = [
                    ("", "The analysis's default"),
                    *cast(Iterable[tuple[Any, Any]], field.choices),
                ]
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "govuk-select" if is_select else "govuk-input govuk-input--width-10"

    def parameters(self) -> dict[str, Any]:
        kind = self.cleaned_data["kind"]
        return {
            name: self.cleaned_data[name]
            for name in self.USES.get(kind, ())
            if self.cleaned_data.get(name) not in (None, "")
        }


def _runs() -> list[AnalysisRun]:
    return list(AnalysisRun.objects.select_related("job").defer("result", "job__result")[:25])


@login_required
@require_http_methods(["GET", "POST"])
def analyses(request: HttpRequest) -> HttpResponse:
    _policy_lead(request)
    form = AnalysisForm(request.POST or None, prefix="analysis")
    if request.method == "POST" and form.is_valid():
        run = analysis_request(
            kind=form.cleaned_data["kind"],
            parameters=form.parameters(),
            requested_by=scoping.signed_in(request.user),
        )
        return redirect(f"{reverse('outcomes:analyses')}?requested={run.pk}")
    return render(
        request,
        "outcomes/analyses.html",
        {"form": form, "runs": _runs(), "uses": AnalysisForm.USES, "requested": request.GET.get("requested")},
        status=400 if request.method == "POST" else 200,
    )

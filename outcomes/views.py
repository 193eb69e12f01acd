"""Ward dashboards, the evidence pack and the page to request analyses. Aggregates only, published through
`outcomes.disclosure`; who may see the dashboards is decided in `dashboards.access.dashboard_access`, and
the evidence pack and analysis requests are for those who may write analyses (`scoping.may_write`)."""

import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from taskforce.org import scoping
from taskforce.org.csvsafe import write_csv

from . import dashboards, evidence
from .dashboards.access import COMBINED, FIRST_YEAR, POLICY, Access, dashboard_access
from .dashboards.facts import CACHE_SECONDS
from .evidence.bundle import csv_bundle
from .forms import AnalysisForm
from .models import AnalysisRun
from .services import analysis_request, evidence_pack_request
from .tables import csv_rows


def _access(request: HttpRequest) -> Access:
    access = dashboard_access(request.user)
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
            "years": list(range(FIRST_YEAR, timezone.localdate().year + 1)),
            "combined": COMBINED,
            "policy_lead": access.audience == POLICY,
            # Each panel's drawing is cached on its figures, as long as the figures themselves.
            "cache_seconds": CACHE_SECONDS,
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
    header, rows = csv_rows(panel.columns, panel.rows)
    out = io.StringIO()
    write_csv(out, header, rows)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"{slug}-{filters.ward}-{filters.first_year}-{filters.last_year}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def may_open_evidence_pack(user: scoping.User | None) -> bool:
    """Who may open the evidence pack and its analyses: the pages' gate, and the navigation's."""
    return scoping.may_write(user, "analysis")


def may_open_dashboards(user: scoping.User | None) -> bool:
    return dashboard_access(user) is not None


def _analysts_only(request: HttpRequest) -> None:
    if not may_open_evidence_pack(request.user):
        raise PermissionDenied("The evidence pack is for policy leads.")


@login_required
@require_GET
def evidence_pack(request: HttpRequest) -> HttpResponse:
    _analysts_only(request)
    return render(
        request,
        "outcomes/evidence.html",
        {"pack": evidence.evidence_pack(), "build": evidence.latest_build(), "print": False},
    )


@login_required
@require_POST
def evidence_build(request: HttpRequest) -> HttpResponse:
    _analysts_only(request)
    evidence_pack_request(requested_by=scoping.signed_in(request.user))
    return redirect(f"{reverse('outcomes:evidence')}#build")


@login_required
@require_GET
def evidence_bundle(request: HttpRequest) -> HttpResponse:
    _analysts_only(request)
    response = HttpResponse(csv_bundle(evidence.evidence_pack()), content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="evidence-pack-{timezone.localdate():%Y-%m-%d}.zip"'
    )
    return response


@login_required
@require_GET
def evidence_pdf(request: HttpRequest) -> HttpResponse:
    _analysts_only(request)
    from weasyprint import HTML  # imported here: loading Pango costs every process that never prints

    html = render_to_string(
        "outcomes/evidence_print.html",
        {"pack": evidence.evidence_pack().for_print(), "generated": timezone.now()},
        request=request,
    )
    # Tagged for PDF/UA: headings, tables and figures (with their alternative text) reach screen readers;
    # the document's language and title come from the page's lang and <title>.
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(pdf_variant="pdf/ua-1")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="evidence-pack-{timezone.localdate():%Y-%m-%d}.pdf"'
    )
    return response


def _runs() -> list[AnalysisRun]:
    return list(AnalysisRun.objects.select_related("job").defer("result", "job__result")[:25])


@login_required
@require_http_methods(["GET", "POST"])
def analyses(request: HttpRequest) -> HttpResponse:
    _analysts_only(request)
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
        {"form": form, "runs": _runs(), "requested": request.GET.get("requested")},
        status=400 if request.method == "POST" else 200,
    )

"""The register of information-sharing agreements, and each partner's disclosure report."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from taskforce.org import audit
from taskforce.org.models import AccessLog, Agency

from .. import selectors, services
from ..forms import PeriodForm, SharingAgreementForm
from ..models import SharingAgreement
from .common import dpo_page, log_page


@require_GET
@dpo_page
def agreement_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    partners = Agency.objects.filter(kind=Agency.Kind.PARTNER).order_by("name")
    agreements = SharingAgreement.objects.select_related("partner").prefetch_related("parties")
    by_partner = {p.pk: [] for p in partners}  # type: dict[int, list[SharingAgreement]]
    for agreement in agreements:
        by_partner.setdefault(agreement.partner_id, []).append(agreement)
    rows = [(p, by_partner[p.pk]) for p in partners]
    return render(request, "privacy/agreement_list.html", {"rows": rows, "today": today})


@require_http_methods(["GET", "POST"])
@dpo_page
def agreement_new(request: HttpRequest) -> HttpResponse:
    form = SharingAgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic(), audit.route("web"):
                agreement = services.sharing_agreement_create(user=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Agreement recorded: {agreement.title}")
            return HttpResponseRedirect(reverse("privacy:agreements"))
    return render(
        request,
        "privacy/form.html",
        {
            "form": form,
            "title": "Record an information-sharing agreement",
            "button": "Record the agreement",
            "back": reverse("privacy:agreements"),
        },
    )


@require_GET
@dpo_page
def disclosure_report(request: HttpRequest, pk: int) -> HttpResponse:
    partner = get_object_or_404(Agency, pk=pk, kind=Agency.Kind.PARTNER)
    today = timezone.localdate()
    form = PeriodForm(request.GET or None, initial={"since": date(today.year, 1, 1), "until": today})
    since, until = date(today.year, 1, 1), today
    if form.is_bound and form.is_valid():
        since, until = form.cleaned_data["since"], form.cleaned_data["until"]
    table = (
        None
        if form.is_bound and not form.is_valid()
        else selectors.disclosure_report(partner=partner, since=since, until=until)
    )
    with transaction.atomic():
        log_page(
            request,
            resource="taskforce.accesslog",
            action=AccessLog.Action.LIST,
            purpose=f"Disclosure report for {partner.code}",
        )
        return render(
            request,
            "privacy/disclosure_report.html",
            {
                "partner": partner,
                "form": form,
                "since": since,
                "until": until,
                "rows": list(table["count"].items()) if table is not None else [],
                "agreements": SharingAgreement.objects.filter(partner=partner),
            },
        )

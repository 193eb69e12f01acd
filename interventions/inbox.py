"""Each agency's referral inbox: referrals sent to it, waiting, accepted (allocated to a worker) or
declined (with the reason), and the forms that answer one."""

from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import models, transaction
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from taskforce.org import audit, scoping
from taskforce.org.models import AccessLog
from taskforce.org.views import RecordFormView, log_read, require_role

from . import forms, services
from .models import Referral

PAGE_SIZE = 25
TABS = (
    ("sent", "Received, waiting"),
    ("accepted", "Accepted"),
    ("declined", "Declined"),
)


def inbox_rows(user: Any, status: str) -> models.QuerySet:
    return (
        Referral.objects.inbox_of(user)
        .filter(status=status)
        .select_related("household", "from_agency", "to_agency", "allocated_to__user")
        .order_by("sent_on", "pk")
    )


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The referrals sent to the user's agency that the user may see, by state, oldest first."""
    require_role(request, scoping.sees_cases)
    status = request.GET.get("status", "sent")
    if status not in dict(TABS):
        status = "sent"
    today = timezone.localdate()
    counts = dict(
        Referral.objects.inbox_of(request.user)
        .order_by()
        .values_list("status")
        .annotate(n=models.Count("pk"))
        .values_list("status", "n")
    )
    with transaction.atomic():
        page = Paginator(inbox_rows(request.user, status), PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        log_read(request, model=Referral, ids=[r.pk for r in rows], action=AccessLog.Action.LIST)
        return render(
            request,
            "interventions/inbox.html",
            {
                "agency": scoping.profile_of(request.user).agency,  # type: ignore[union-attr]
                "tabs": [(key, label, counts.get(key, 0)) for key, label in TABS],
                "status": status,
                "page": page,
                "rows": [(r, r.days_waiting(today)) for r in rows],
                "can_answer": scoping.may_write(request.user, "referral_answer"),
            },
        )


class ReferralAnswer(RecordFormView):
    """Accept or decline one referral in the user's inbox."""

    writes = "referral_answer"
    instance: Referral

    def load(self, **kwargs: Any) -> None:
        self.instance = audit.visible_or_404(
            self.request,
            Referral.objects.inbox_of(self.request.user).select_related(
                "household", "from_agency", "to_agency"
            ),
            pk=kwargs["pk"],
        )

    def initial(self) -> dict[str, Any]:
        return {"on": timezone.localdate()}

    def get_form(self, data: Any = None) -> Form:
        return self.form_class(  # type: ignore[call-arg]
            data, initial=self.initial(), user=self.request.user, referral=self.instance
        )

    def caption(self) -> str:
        return f"{self.instance.household} from {self.instance.from_agency.name}: {self.instance.reason}"

    def back_url(self) -> str:
        return reverse("interventions:inbox")

    def success_url(self, saved: models.Model) -> str:
        return f"{reverse('interventions:inbox')}?status={cast(Referral, saved).status}"


class ReferralAccept(ReferralAnswer):
    form_class = forms.ReferralAcceptForm
    title = "Accept the referral"
    button = "Accept and allocate"

    def save(self, data: dict[str, Any]) -> Referral:
        return services.referral_accept(referral=self.instance, worker=data["worker"], on=data["on"])

    def done_message(self, saved: models.Model) -> str:
        worker = cast(Referral, saved).allocated_to
        name = worker.user.get_full_name() or worker.user.get_username() if worker else ""
        return f"Referral for {cast(Referral, saved).household} accepted and allocated to {name}"


class ReferralDecline(ReferralAnswer):
    form_class = forms.ReferralDeclineForm
    title = "Decline the referral"
    button = "Decline the referral"

    def save(self, data: dict[str, Any]) -> Referral:
        return services.referral_decline(referral=self.instance, reason=data["reason"], on=data["on"])

    def done_message(self, saved: models.Model) -> str:
        return f"Referral for {cast(Referral, saved).household} declined"

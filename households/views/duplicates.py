"""The review queue of likely duplicate people, and deciding on a pair: the same person (linked, never
merged) or different people; a decision can be undone."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from taskforce.org import audit, scoping
from taskforce.org.models import AccessLog
from taskforce.org.views import log_read, require_role

from .. import duplicates, linking
from ..models import Person, PersonLink

RECENT_LINKS = 25
PAIRS_PER_PAGE = 25


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    require_role(request, scoping.sees_cases)
    with transaction.atomic():
        pairs = duplicates.review_queue(request.user)
        # Only the page shown is read (and logged); the count is of the whole queue.
        page = Paginator(pairs, PAIRS_PER_PAGE).get_page(request.GET.get("page"))
        links = list(
            PersonLink.objects.visible_to(request.user)
            .current()
            # Prefetched, not joined: joining the people makes SQLite's planner run the two visibility
            # subqueries once per person (13 s on the demo) instead of once.
            .prefetch_related("person", "other", "recorded_by")[:RECENT_LINKS]
        )
        shown = sorted(
            {p.pk for pair in page for p in (pair.person, pair.other)}
            | {p for link in links for p in (link.person_id, link.other_id)}
        )
        log_read(request, model=Person, ids=shown, action=AccessLog.Action.LIST, person_ids=shown)
        return render(
            request,
            "households/duplicates.html",
            {
                "pairs": pairs,
                "page": page,
                "links": links,
                "can_decide": scoping.may_write(request.user, "person_link"),
            },
        )


def _require_link_writer(request: HttpRequest) -> None:
    if not scoping.may_write(request.user, "person_link"):
        raise PermissionDenied("Your role cannot link records.")


@login_required
@require_POST
def decide(request: HttpRequest) -> HttpResponse:
    """Record one pair from the queue as the same person or as different people."""
    _require_link_writer(request)
    visible = Person.objects.visible_to(request.user)
    ids = [request.POST.get("person", ""), request.POST.get("other", "")]
    kind = request.POST.get("kind", "")
    if not all(i.isdigit() for i in ids) or kind not in PersonLink.Kind.values:
        messages.error(request, "Choose a pair from the list and whether they are the same person.")
        return HttpResponseRedirect(reverse("households:duplicates"))
    person = audit.visible_or_404(request, visible, pk=int(ids[0]))
    other = audit.visible_or_404(request, visible, pk=int(ids[1]))
    try:
        with transaction.atomic(), audit.route("web"):
            link = linking.person_link_record(
                person=person,
                other=other,
                kind=kind,
                recorded_by=scoping.signed_in(request.user),
                on=timezone.localdate(),
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"{link.person} and {link.other}: recorded as {link.get_kind_display().lower()}"
        )
    return HttpResponseRedirect(reverse("households:duplicates"))


@login_required
@require_POST
def undo(request: HttpRequest, pk: int) -> HttpResponse:
    _require_link_writer(request)
    link = audit.visible_or_404(request, PersonLink.objects.visible_to(request.user), pk=pk)
    try:
        with transaction.atomic(), audit.route("web"):
            linking.person_link_undo(
                link=link,
                undone_by=scoping.signed_in(request.user),
                on=timezone.localdate(),
                reason=request.POST.get("reason", ""),
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The link between {link.person} and {link.other} was undone")
    return HttpResponseRedirect(reverse("households:duplicates"))

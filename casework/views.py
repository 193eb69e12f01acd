"""The household page and its sections: a scoped read, one access-log row naming everyone the page shows.

A role that never sees cases gets 403; a household outside the user's scope is 404, as if it did not exist.
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from households.models import Household
from households.views.case_records import visible_household
from outcomes.models import BenefitRecord
from taskforce.org import scoping
from taskforce.org.views import log_read

from . import sections as casework_sections
from . import selectors
from .models import CaseNote, CasePlan

SECTIONS = [
    ("summary", "Summary"),
    ("members", "Members"),
    ("home", "Home and moves"),
    ("interventions", "Interventions"),
    ("referrals", "Referrals"),
    ("placements", "Placements"),
    ("benefits", "Benefits"),
    ("plan", "Assessment and plan"),
    ("notes", "Case notes"),
    ("history", "History"),
]


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
            "can_write": scoping.may_write(request.user, "case"),
            "can_assign": scoping.may_write(request.user, "key_worker"),
            "summary": selectors.summary(records),
        }
        people = selectors.people_of(records)
        model: type[models.Model] = Household
        ids = [household.pk]
        if section in {"history", "plan", "notes"}:
            casework_sections.add_casework(records, request.user)
        if section in {"summary", "history"}:
            context["timeline"] = selectors.household_timeline(records=records)
            if section == "summary":
                context["timeline"] = context["timeline"][:8]
            else:
                events = context["timeline"] + casework_sections.casework_events(records)
                chosen = casework_sections.timeline_filter(
                    request.GET, records.notes, types=casework_sections.TIMELINE_TYPES
                )
                context["filter"] = chosen
                context["timeline"] = sorted(
                    (e for e in events if chosen.keeps(e)), key=lambda e: e.on, reverse=True
                )
                context["changes"] = selectors.household_changes(records=records)
                # A change may name someone who is no longer on the case (an intervention's person before
                # it was corrected): the log covers everyone the table shows.
                people = sorted(set(people).union(*(c.person_ids for c in context["changes"])))
        elif section == "plan":
            context.update(casework_sections.plan_context(records, today))
            if records.plans:
                model, ids = CasePlan, [p.pk for p in records.plans]
        elif section == "notes":
            chosen = casework_sections.timeline_filter(
                request.GET, records.notes, types=casework_sections.TIMELINE_TYPES[-4:]
            )
            context["filter"] = chosen
            context["notes"] = [n for n in records.notes if chosen.keeps(casework_sections.note_event(n))]
            if context["notes"]:
                model, ids = CaseNote, [n.pk for n in context["notes"]]
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
        return render(request, "casework/household.html", context)

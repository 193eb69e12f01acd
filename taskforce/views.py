from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from imports.querysets import kinds_for

from .org import scoping
from .org.models import StaffProfile
from .selectors import home_summary


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: who the user is, and the sections their role opens."""
    role = scoping.role_of(request.user)
    sections = {
        "caseload": scoping.sees_cases(request.user),
        "new_household": scoping.may_write(request.user, "case"),
        "properties": scoping.sees_housing_records(request.user),
        "dashboards": role in {StaffProfile.Role.WARD_MANAGER, StaffProfile.Role.POLICY_LEAD},
        "imports": bool(kinds_for(request.user)),
        # The data protection officer's work is in the workspace's pages, not the API.
        "privacy": role == StaffProfile.Role.DATA_PROTECTION_OFFICER,
        "api": role is not None and role != StaffProfile.Role.DATA_PROTECTION_OFFICER,
    }
    return render(
        request,
        "taskforce/home.html",
        home_summary(user=scoping.signed_in(request.user)) | {"sections": sections},
    )


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: the process answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})

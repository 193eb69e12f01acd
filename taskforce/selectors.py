"""Reads that cross apps, for the home page."""

from typing import Any

from django.apps import apps
from django.contrib.auth.models import User

from households.models import Household
from jobs.models import Job

from .org.models import StaffProfile


def home_summary(*, user: User) -> dict[str, Any]:
    """What a signed-in member of staff sees first: who they are, their wards, and work in progress.

    Counts of households are given only to roles that work with named households, and only for their wards.
    """
    profile = (
        StaffProfile.objects.select_related("agency").prefetch_related("wards").filter(user=user).first()
    )
    wards = list(profile.wards.all()) if profile else []
    open_cases = None
    if profile and profile.role in StaffProfile.PERSONAL_DATA_ROLES - {
        StaffProfile.Role.DATA_PROTECTION_OFFICER
    }:
        open_cases = Household.objects.open().in_wards(wards).count()
    return {
        "profile": profile,
        "wards": wards,
        "open_cases": open_cases,
        "jobs": Job.objects.filter(requested_by=user)[:5],
        # The demo is an app of its own that nothing imports: read by name, and only where it is installed.
        "demo": apps.get_model("demo", "DemoDataset").objects.first() if apps.is_installed("demo") else None,
    }

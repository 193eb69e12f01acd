"""Every model is in the admin, and every admin list and form page renders."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tests.factories import (
    BenefitRecordFactory,
    DataSharingBasisFactory,
    HazardFindingFactory,
    InterventionFactory,
    MembershipFactory,
    PlacementFactory,
    ResidenceFactory,
    StaffProfileFactory,
)

PROJECT_APPS = {"taskforce", "households", "interventions", "outcomes", "casework"}


def project_models() -> list:  # type: ignore[type-arg]
    return [
        m
        for m in apps.get_models()
        if m._meta.app_label in PROJECT_APPS
        and not m.__name__.startswith("Historical")
        and not m._meta.auto_created
    ]


def test_every_model_is_registered() -> None:
    missing = [m.__name__ for m in project_models() if not admin.site.is_registered(m)]
    assert missing == []


@pytest.mark.django_db
def test_every_changelist_and_change_page_renders(admin_client: Client) -> None:
    for factory in (
        BenefitRecordFactory,
        DataSharingBasisFactory,
        HazardFindingFactory,
        InterventionFactory,
        MembershipFactory,
        PlacementFactory,
        ResidenceFactory,
        StaffProfileFactory,
    ):
        factory()
    for model in project_models():
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert admin_client.get(changelist).status_code == 200, changelist
        assert admin_client.get(changelist, {"q": "a"}).status_code == 200, changelist
        obj = model.objects.first()
        if obj is not None:
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
            assert admin_client.get(change).status_code == 200, change

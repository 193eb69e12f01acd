"""Shared fixtures: personas (one per role), and the switch that keeps service tests honest."""

import os

import pytest
from django.conf import settings
from pytest_django.fixtures import Settings

from taskforce.org.models import StaffProfile

from .factories import StaffProfileFactory, UserFactory, agency, ward


def _services_available() -> str | None:
    """Why the service suite cannot run here, or None when PostgreSQL and a broker are configured."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return "needs PostgreSQL (set DATABASE_URL)"
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "needs a Celery broker and worker (set CELERY_BROKER_URL)"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = _services_available()
    if reason is None:
        return
    if os.environ.get("TASKFORCE_REQUIRE_SERVICES"):
        raise pytest.UsageError(f"TASKFORCE_REQUIRE_SERVICES is set but the service suite {reason}.")
    skip = pytest.mark.skip(reason=f"service test: {reason} (run by .ci/run)")
    for item in items:
        if "service" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Settings) -> None:
    """Personas are made per test; the production hasher would spend most of the suite's time on them."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _tasks_run_eagerly_outside_the_service_suite():  # type: ignore[no-untyped-def]
    """Every test but the service suite takes the embedded path (tasks run in this process), also when the
    suite runs against a real broker: their data sits in a test transaction that no worker can see."""
    from taskforce.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture(autouse=True)
def _service_tests_use_the_broker(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    if request.node.get_closest_marker("service") is None:
        yield
        return
    from taskforce.celery import app

    app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
    yield
    app.conf.task_always_eager = True


@pytest.fixture
def eager_celery():  # type: ignore[no-untyped-def]
    """Run tasks in this process, as the embedded default does, also when the suite runs against a broker.

    Tests that need the worker itself are in the service suite (tests/test_worker.py).
    """
    from taskforce.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def caseworker(db: None) -> StaffProfile:
    return StaffProfileFactory(user=UserFactory(username="casey"), role=StaffProfile.Role.CASEWORKER)


@pytest.fixture
def housing_officer(db: None) -> StaffProfile:
    return StaffProfileFactory(
        user=UserFactory(username="harper"), role=StaffProfile.Role.HOUSING_OFFICER, agency=agency("tdc")
    )


@pytest.fixture
def ward_manager(db: None) -> StaffProfile:
    return StaffProfileFactory(
        user=UserFactory(username="morgan"),
        role=StaffProfile.Role.WARD_MANAGER,
        agency=agency("tdc"),
        wards=[ward("E05005088"), ward("E05005093")],
    )


@pytest.fixture
def policy_lead(db: None) -> StaffProfile:
    return StaffProfileFactory(
        user=UserFactory(username="pat"), role=StaffProfile.Role.POLICY_LEAD, agency=agency("kcc"), wards=[]
    )


@pytest.fixture
def data_protection_officer(db: None) -> StaffProfile:
    return StaffProfileFactory(
        user=UserFactory(username="dana"),
        role=StaffProfile.Role.DATA_PROTECTION_OFFICER,
        agency=agency("kcc"),
        wards=[],
    )


@pytest.fixture
def caseworker_central(db: None) -> StaffProfile:
    """A Jobcentre Plus caseworker in the other ward, Margate Central."""
    return StaffProfileFactory(
        user=UserFactory(username="cal"), role=StaffProfile.Role.CASEWORKER, wards=[ward("E05005093")]
    )


@pytest.fixture
def caseworker_police(db: None) -> StaffProfile:
    """A Kent Police caseworker in Cliftonville West: same ward as `caseworker`, another agency."""
    return StaffProfileFactory(
        user=UserFactory(username="percy"), role=StaffProfile.Role.CASEWORKER, agency=agency("police")
    )


@pytest.fixture(scope="module")
def small_demo(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """A small synthetic demo loaded once for a module of page tests, removed when the module ends."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection

    from demo.load import load_demo
    from demo.models import DemoDataset
    from households.models import (
        DataSharingBasis,
        EnforcementAction,
        HazardFinding,
        Household,
        Inspection,
        Licence,
        Membership,
        Person,
        Placement,
        Property,
        Residence,
    )
    from interventions.models import Intervention, Referral, Service
    from jobs.models import Job
    from outcomes.models import AnalysisRun, AreaStatistic, BenefitRecord
    from taskforce.org.models import Agency, Area

    # Written in bulk by the demo, so removed in bulk: row-by-row deletion would also fire history signals.
    tables = (
        BenefitRecord, AreaStatistic, EnforcementAction, HazardFinding, Inspection, Licence, Referral,
        Intervention, Placement, DataSharingBasis.agencies.through, DataSharingBasis, Membership, Residence,
        Person, Household, Property, Service, AnalysisRun, DemoDataset, Job, StaffProfile.wards.through,
        StaffProfile,
    )  # fmt: skip
    with django_db_blocker.unblock():
        cache.clear()
        dataset = load_demo(seed=2010, households=300).dataset
        yield dataset
        for model in tables:
            model.objects.all()._raw_delete(connection.alias)
        Area.objects.filter(is_synthetic=True).delete()
        Agency.objects.filter(kind=Agency.Kind.PLACING_AUTHORITY).delete()
        get_user_model().objects.all().delete()
        cache.clear()

"""Shared fixtures: the suite's fixed clock, personas (one per role), the demo loaded once per run, and the
switch that keeps service tests honest."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from pytest_django.fixtures import Settings
from pytest_django.plugin import DjangoDbBlocker

from casework.models import Assessment, CaseNote, CasePlan, Goal, PlanAction, Review, SustainCheck, Task
from demo.load import load_demo
from demo.models import DemoDataset
from households.models import (
    AgreementSignatory,
    Boundary,
    DataSharingBasis,
    EnforcementAction,
    HazardFinding,
    Household,
    Inspection,
    Licence,
    LicensingDesignation,
    Membership,
    Person,
    Placement,
    PlacingAuthority,
    Property,
    PropertyLocation,
    Residence,
)
from interventions.models import Intervention, Referral, Service
from jobs.models import Job
from outcomes.models import (
    AnalysisPlan,
    AnalysisRun,
    AreaStatistic,
    BenefitRecord,
    HousingBenefitLedger,
    LedgerState,
    PlanDeviation,
    ProgrammeCost,
)
from privacy.models import SharingAgreement, SubjectAccessItem, SubjectAccessRequest
from taskforce.org.models import AccessLog, AccessLogSubject, Agency, Area, BreakGlassGrant, StaffProfile

from .factories import StaffProfileFactory, UserFactory, agency, ward

# Every run starts at noon in London on the same day, and the clock runs on from there: "today" is that day
# whatever the date and however long the run (a run that crossed midnight once failed), while timestamps still
# increase, so "the latest run" and one-time codes behave as they do in use.
CLOCK_START = datetime(2026, 6, 15, 12, 0, tzinfo=ZoneInfo("Europe/London"))


class _Clock:
    def __init__(self) -> None:
        self._travel: time_machine.travel | None = None

    def start(self, at: datetime) -> None:
        # A timestamp, not a datetime, so that time-machine leaves the process's time zone (TZ) alone.
        self._travel = time_machine.travel(at.timestamp(), tick=True)
        self._travel.start()

    def stop(self) -> datetime:
        now = datetime.now(UTC)
        if self._travel is not None:
            self._travel.stop()
            self._travel = None
        return now

    @contextmanager
    def real(self) -> Iterator[None]:
        """The machine's clock, then the suite's again from where it stopped."""
        if self._travel is None:
            yield
            return
        stopped_at = self.stop()
        try:
            yield
        finally:
            self.start(stopped_at)


_CLOCK = _Clock()


def pytest_configure(config: pytest.Config) -> None:
    # Before collection, so that a module reading the date at import sees the suite's day too.
    _CLOCK.start(CLOCK_START)


def pytest_unconfigure(config: pytest.Config) -> None:
    _CLOCK.stop()


@pytest.fixture(autouse=True)
def _real_clock_beside_other_processes(request: pytest.FixtureRequest) -> Iterator[None]:
    """A Celery worker or a test server runs in its own process on the machine's clock: a test that shares
    records or one-time codes with it keeps the same clock."""
    if request.node.get_closest_marker("service") or request.node.get_closest_marker("browser"):
        with _CLOCK.real():
            yield
    else:
        yield


def _services_available() -> str | None:
    """Why the service suite cannot run here, or None when PostgreSQL and a broker are configured."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return "needs PostgreSQL (set DATABASE_URL)"
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "needs a Celery broker and worker (set CELERY_BROKER_URL)"
    return None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _run_demo_readers_together(items)
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


# The demo the analyses, dashboards and evidence pack are tested on: as many households as the analyses need
# to recover the planted effects.
DEMO_SEED = 2010
DEMO_HOUSEHOLDS = 1500
# Written in bulk by the demo, so removed in bulk: row-by-row deletion would also fire history signals.
DEMO_TABLES = (
    CaseNote, Task.history.model, Task, SustainCheck, PlanAction, Review, Goal, CasePlan,
    Assessment.needs.through, Assessment,
    SubjectAccessItem, SubjectAccessRequest, SubjectAccessRequest.history.model,
    SharingAgreement.history.model._meta.get_field("historicalsharingagreement_parties").related_model,
    SharingAgreement.history.model,
    SharingAgreement.parties.through, SharingAgreement, BreakGlassGrant,
    HousingBenefitLedger, LedgerState, BenefitRecord, AreaStatistic, EnforcementAction, HazardFinding, Inspection, Licence, Referral,
    Intervention, PropertyLocation, Boundary, Placement, AgreementSignatory.history.model, AgreementSignatory,
    DataSharingBasis.agencies.through, DataSharingBasis, Membership, Residence,
    Person, Household, Property, Service, PlanDeviation, AnalysisPlan, ProgrammeCost,
    ProgrammeCost.history.model, AnalysisRun, DemoDataset, Job, StaffProfile.wards.through, StaffProfile,
    LicensingDesignation.wards.through, LicensingDesignation, LicensingDesignation.history.model,
    apps.get_model("households", "HistoricalLicensingDesignation_wards"),
)  # fmt: skip


class SharedDemo:
    """The demo in the test database, outside every test's transaction. Loaded when a test first needs it and
    removed as soon as the next test does not, so no other test ever sees it; the tests that read it run one
    after another (`_run_demo_readers_together`), so it is loaded once per run."""

    def __init__(self, blocker: DjangoDbBlocker) -> None:
        self.blocker = blocker
        self.dataset: DemoDataset | None = None

    def load(self) -> DemoDataset:
        if self.dataset is None:
            with self.blocker.unblock():
                self.dataset = load_demo(seed=DEMO_SEED, households=DEMO_HOUSEHOLDS).dataset
        return self.dataset

    def remove(self) -> None:
        if self.dataset is None:
            return
        with self.blocker.unblock():
            _clear_access_log()
            for model in DEMO_TABLES:
                model.objects.all()._raw_delete(connection.alias)
            Area.objects.filter(is_synthetic=True).delete()
            Agency.objects.filter(kind=Agency.Kind.PLACING_AUTHORITY).delete()
            PlacingAuthority.objects.filter(is_synthetic=True).delete()
            get_user_model().objects.all().delete()
        cache.clear()
        self.dataset = None


def _clear_access_log() -> None:
    """The demo's own reads (its subject access requests, its break-glass grant). The log refuses row
    deletes, on PostgreSQL by a trigger that TRUNCATE does not fire."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE taskforce_accesslogsubject, taskforce_accesslog")
    else:
        for model in (AccessLogSubject, AccessLog):
            model.objects.all()._raw_delete(connection.alias)


_SHARED_DEMO = pytest.StashKey[SharedDemo]()


def _reads_the_demo(item: pytest.Item | None) -> bool:
    return item is not None and "shared_demo" in getattr(item, "fixturenames", ())


def _run_demo_readers_together(items: list[pytest.Item]) -> None:
    """Move the tests that read the shared demo next to the first of them. pytest-django has already put
    them, as tests in a transaction, before the transactional tests, whose teardown empties the database."""
    readers = [item for item in items if _reads_the_demo(item)]
    if not readers:
        return
    for item in readers:
        marker = item.get_closest_marker("django_db")
        if (marker and marker.kwargs.get("transaction")) or "transactional_db" in getattr(
            item, "fixturenames", ()
        ):
            raise pytest.UsageError(
                f"{item.nodeid} reads the shared demo in a transactional test, whose teardown would empty "
                "the database under the tests that follow: read it in a test that runs in a transaction."
            )
    first = items.index(readers[0])
    others = [item for item in items if not _reads_the_demo(item)]
    items[:] = others[:first] + readers + others[first:]
    # Over several processes (`make test` runs `pytest -n auto`), each process is handed the next tests in this
    # order as it asks for more, so each takes a run of readers and loads the demo about once. (Grouping them
    # with `--dist loadgroup` would keep them in one process, but the scope schedulers run only the first of
    # the schema tests' cases, which share one node id.)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    try:
        return (yield)
    finally:
        demo = item.session.stash.get(_SHARED_DEMO, None)
        if demo is not None and not _reads_the_demo(nextitem):
            demo.remove()


@pytest.fixture(scope="session")
def _demo_database(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[SharedDemo]:
    demo = SharedDemo(django_db_blocker)
    request.session.stash[_SHARED_DEMO] = demo
    yield demo
    demo.remove()  # left behind when a run stops early


@pytest.fixture(scope="module")
def shared_demo(_demo_database: SharedDemo) -> Iterator[DemoDataset]:
    """The demo data set, for tests that read it; their writes stay in their own transaction as usual. Each
    module starts with an empty cache: the dashboards' cache key is a fingerprint of ids that rolled-back
    writes hand out again."""
    cache.clear()
    yield _demo_database.load()
    cache.clear()

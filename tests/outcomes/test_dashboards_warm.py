"""The dashboards are recomputed by a job after a data change, so the first viewer finds them cached."""

import importlib
import io
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from jobs.models import Job
from jobs.registry import _AFTER_SUCCESS, _KINDS, Kind, on_success
from jobs.services import job_create, job_run
from outcomes.dashboards import dashboard_for
from outcomes.dashboards.access import POLICY, Access
from outcomes.dashboards.warm import dashboards_warm, default_views, warm_after
from taskforce.org.models import Area

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_warming_fills_the_cache_the_page_reads(monkeypatch):
    result = dashboards_warm()
    assert result["views"] == len(default_views()) >= 1
    facts_module = importlib.import_module("outcomes.dashboards.facts")
    found = facts_module.versions()
    assert result["version"] == found.data
    for name, version in found.parts.items():
        assert cache.get(f"outcomes:dashboard-facts:{name}:{version}") is not None

    def no_recomputing() -> dict[str, Any]:
        raise AssertionError("the dashboard figures were computed again")

    for name, part in facts_module.PARTS.items():
        monkeypatch.setitem(facts_module.PARTS, name, facts_module.Part(part.models, no_recomputing))
    access = Access(POLICY, tuple(Area.objects.filter(is_target=True).order_by("name")))
    _, panels = dashboard_for(access, {})
    assert panels  # every panel came from the cache: building one would have needed the figures


def test_a_successful_import_queues_the_warming_job(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.DASHBOARDS_WARM_AFTER_CHANGES = True
    calls: list[int] = []
    monkeypatch.setattr("outcomes.dashboards.warm.dashboards_warm", lambda: calls.append(1) or {})
    monkeypatch.setitem(_KINDS, "test-change", Kind("test-change", lambda job, progress: {"changed": True}))
    monkeypatch.setitem(_AFTER_SUCCESS, "test-change", [])
    on_success("test-change", warm_after)
    on_success("test-change", warm_after)  # registered once
    with django_capture_on_commit_callbacks(execute=True):
        job = job_run(job_id=job_create(kind="test-change").pk)
    assert job.state == Job.State.SUCCEEDED
    warm = Job.objects.get(kind="dashboards-warm")
    assert warm.state == Job.State.SUCCEEDED  # run at commit, inline in the tests
    assert calls == [1]


def test_a_failing_follower_does_not_fail_the_job(monkeypatch):
    def broken(job: Job) -> None:
        raise RuntimeError("cache down")

    monkeypatch.setitem(_KINDS, "test-change", Kind("test-change", lambda job, progress: {}))
    monkeypatch.setitem(_AFTER_SUCCESS, "test-change", [broken])
    job = job_run(job_id=job_create(kind="test-change").pk)
    assert job.state == Job.State.SUCCEEDED


def test_imports_and_demo_loads_are_followed():
    assert warm_after in _AFTER_SUCCESS["import"]
    assert warm_after in _AFTER_SUCCESS["load_demo"]


def test_the_command_warms_the_cache_as_the_job_does(monkeypatch):
    calls: list[int] = []
    monkeypatch.setattr("outcomes.dashboards.warm.dashboards_warm", lambda: calls.append(1) or {"views": 3})
    out = io.StringIO()
    call_command("warm_dashboards", stdout=out)
    assert calls == [1]
    assert "Warmed the dashboards for 3 views" in out.getvalue()
    assert Job.objects.get(kind="dashboards-warm").state == Job.State.SUCCEEDED


def test_the_command_says_so_when_warming_fails(monkeypatch):
    def broken() -> dict:
        raise RuntimeError("cache down")

    monkeypatch.setattr("outcomes.dashboards.warm.dashboards_warm", broken)
    with pytest.raises(CommandError, match=r"were not warmed: .*cache down"):
        call_command("warm_dashboards", stdout=io.StringIO())


def test_the_daily_beat_task_queues_the_warming_job(monkeypatch, django_capture_on_commit_callbacks):
    # The figures depend on the date (each day is a new data version): beat warms them after midnight.
    from outcomes.tasks import warm_dashboards

    calls: list[int] = []
    monkeypatch.setattr("outcomes.dashboards.warm.dashboards_warm", lambda: calls.append(1) or {})
    with django_capture_on_commit_callbacks(execute=True):
        warm_dashboards()
    warm = Job.objects.get(kind="dashboards-warm")
    assert warm.state == Job.State.SUCCEEDED
    assert calls == [1]

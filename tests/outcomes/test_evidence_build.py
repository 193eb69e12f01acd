"""Building the whole evidence pack: one job that runs the pack's analyses in turn, followed on the page, and
never run inside the request that asks for it."""

import threading
import time
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from jobs import services as jobs_services
from jobs.models import Job
from jobs.services import job_start_thread
from outcomes import analyses, evidence
from outcomes.models import AnalysisRun
from taskforce.org.models import StaffProfile


def client_for(profile: StaffProfile) -> Client:
    client = Client()
    client.force_login(profile.user)
    return client


@pytest.fixture
def small_pack(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two quick analyses and one refused for its parameters, in place of the pack's minutes of work."""
    monkeypatch.setattr(
        evidence,
        "ANALYSES",
        (("gap", {"period": "2009"}), ("area-impact", {"start": "September"}), ("placements", {})),
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("shared_demo", "small_pack")
def test_building_the_pack_runs_each_analysis_as_its_own_run_under_one_job(
    policy_lead: StaffProfile, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(policy_lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("outcomes:evidence_build"))
    assert response.status_code == 302
    assert response["Location"] == reverse("outcomes:evidence") + "#build"
    job = Job.objects.get(kind="evidence-pack")
    assert (job.state, job.requested_by, job.total, job.done) == ("succeeded", policy_lead.user, 3, 3)
    runs = AnalysisRun.objects.filter(pk__in=job.result["analysis_runs"]).order_by("pk")
    assert [run.kind for run in runs] == ["gap", "area-impact", "placements"]
    assert [run.requested_by for run in runs] == [policy_lead.user] * 3
    # The refused analysis is recorded on its own run; the others still ran.
    assert [run.succeeded for run in runs] == [True, False, True]
    assert job.result["failed"] == [runs[1].pk]
    page = client.get(reverse("outcomes:evidence")).content.decode()
    assert "3 analyses run, 1 of them failed" in page
    assert "data-job-status-url" not in page


@pytest.mark.django_db
def test_the_page_follows_a_build_in_progress(policy_lead: StaffProfile) -> None:
    job = Job.objects.create(kind="evidence-pack", requested_by=policy_lead.user, total=11, done=4)
    page = client_for(policy_lead).get(reverse("outcomes:evidence")).content.decode()
    assert f'data-job-status-url="{reverse("jobs:status", args=[job.pk])}"' in page
    assert 'src="/static/jobs/progress.js"' in page
    assert 'value="36"' in page
    assert "Build the evidence pack</button>" not in page


@pytest.mark.parametrize("persona", ["ward_manager", "caseworker", "housing_officer"])
@pytest.mark.django_db
def test_only_policy_leads_may_build_the_pack(persona: str, request: pytest.FixtureRequest) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.post(reverse("outcomes:evidence_build")).status_code == 403
    assert not Job.objects.filter(kind="evidence-pack").exists()


@pytest.fixture
def held_in_a_thread(settings, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Jobs run in threads as without a broker, each analysis held until the test releases it.

    Only one side touches the database at a time: an in-memory SQLite database shared between threads
    refuses a second writer at once ("database table is locked"), where the embedded file database waits
    its turn. So the thread the request starts holds back until the test says the response is complete
    (`request_done`), since the request still writes its session after the commit that started the job;
    the test then waits for the held analysis before it reads, and reads the rest after the thread ends."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.JOBS_RUN_IN_BACKGROUND_WHEN_EAGER = True
    held = SimpleNamespace(
        request_done=threading.Event(), reached=threading.Event(), release=threading.Event(), threads=[]
    )
    run_in_thread = jobs_services._run_in_thread

    def after_the_request(job_id: int) -> None:
        assert held.request_done.wait(30), "the test never said the request was complete"
        run_in_thread(job_id)

    def held_analysis(kind: str, params: dict) -> dict:
        held.reached.set()
        assert held.release.wait(30), "the test never released the analysis"
        return {"kind": kind, **params}

    def recorded_thread(*, job_id: int) -> threading.Thread:
        thread = job_start_thread(job_id=job_id)
        held.threads.append(thread)
        return thread

    monkeypatch.setattr(analyses, "run_analysis", held_analysis)
    monkeypatch.setattr(jobs_services, "_run_in_thread", after_the_request)
    monkeypatch.setattr(jobs_services, "job_start_thread", recorded_thread)
    yield held
    held.request_done.set()
    held.release.set()
    for thread in held.threads:
        thread.join(30)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_without_a_broker_the_request_returns_at_once_and_the_job_finishes_in_a_thread(
    policy_lead: StaffProfile, held_in_a_thread, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(evidence, "ANALYSES", (("gap", {}), ("placements", {})))
    started = time.monotonic()
    response = client_for(policy_lead).post(reverse("outcomes:evidence_build"))
    assert time.monotonic() - started < 1.0
    assert response.status_code == 302
    held_in_a_thread.request_done.set()
    assert held_in_a_thread.reached.wait(30)
    job = Job.objects.get(kind="evidence-pack")
    assert job.state == Job.State.RUNNING  # the request returned with its analyses still to run
    held_in_a_thread.release.set()
    (thread,) = held_in_a_thread.threads
    thread.join(30)
    assert not thread.is_alive()
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.errors
    runs = AnalysisRun.objects.filter(pk__in=job.result["analysis_runs"])
    assert sorted(run.result["kind"] for run in runs) == ["gap", "placements"]
    assert all(run.job.state == Job.State.SUCCEEDED for run in runs)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_without_a_broker_one_analysis_request_returns_at_once_too(
    policy_lead: StaffProfile, held_in_a_thread
) -> None:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    response = client_for(policy_lead).post(
        reverse("outcomes:analyses"), {"analysis-kind": "gap", "analysis-period": "2009"}
    )
    assert time.monotonic() - started < 1.0
    assert response.status_code == 302
    held_in_a_thread.request_done.set()
    assert held_in_a_thread.reached.wait(30)
    assert AnalysisRun.objects.select_related("job").get().job.state == Job.State.RUNNING
    held_in_a_thread.release.set()
    (thread,) = held_in_a_thread.threads
    thread.join(30)
    run = AnalysisRun.objects.select_related("job").get()
    assert run.job.state == Job.State.SUCCEEDED
    assert run.result == {"kind": "gap", "period": "2009", "run": run.pk}

"""An import that fails while writing leaves nothing behind, its batch shows its job's failure, and it may be
committed again."""

import pytest

from households.models import Property
from imports import services
from imports.kinds.properties import PropertiesImport
from imports.models import ImportBatch
from jobs.models import Job

from .conftest import example

pytestmark = pytest.mark.django_db


def test_a_failed_write_shows_on_the_batch_as_its_jobs_failure_and_a_second_commit_writes_it(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    batch = services.batch_check(
        batch=services.batch_create(kind="properties", file_name="p.csv", data=example("properties"))
    )
    assert batch.status == ImportBatch.Status.VALID
    real_write = PropertiesImport.write

    def lose_the_connection(self, rows):  # type: ignore[no-untyped-def]
        real_write(self, rows)
        raise ConnectionError("the database went away")

    monkeypatch.setattr(PropertiesImport, "write", lose_the_connection)
    with pytest.raises(ConnectionError), django_capture_on_commit_callbacks(execute=True):
        services.batch_commit(batch=batch)
    batch.refresh_from_db()
    assert (batch.status, batch.state, batch.has_failed) == (
        ImportBatch.Status.VALID,
        ImportBatch.State.FAILED,
        True,
    )
    assert batch.job.state == Job.State.FAILED
    assert batch.job.errors == ["ConnectionError: the database went away"]
    assert not Property.objects.exists()

    monkeypatch.setattr(PropertiesImport, "write", real_write)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.batch_commit(batch=batch)
    assert job.pk != batch.job_id
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    assert Property.objects.count() == batch.created > 0


def test_imported_records_are_in_history_as_the_uploaders_through_the_import_route(
    ward_manager, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from households.models import Household

    with django_capture_on_commit_callbacks(execute=True):
        batch = services.batch_upload(
            kind="households", file_name="h.csv", data=example("households"), uploaded_by=ward_manager.user
        )
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED, batch.report["problems"][:3]
    created = Household.history.filter(history_type="+")
    assert created.exists()
    assert {(h.history_user_id, h.history_change_reason) for h in created} == {
        (ward_manager.user.pk, "import")
    }

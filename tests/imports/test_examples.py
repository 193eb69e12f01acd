"""The example files import cleanly, in order, and importing them again writes nothing new."""

import pytest

from households.models import (
    HazardFinding,
    Household,
    Inspection,
    Licence,
    Membership,
    Person,
    Placement,
    Property,
)
from imports.models import ImportBatch
from imports.services import batch_commit, batch_create, batch_upload
from interventions.models import Intervention
from jobs.models import Job
from jobs.services import job_run
from outcomes.models import AreaStatistic, BenefitRecord

from .conftest import example

pytestmark = pytest.mark.django_db

ORDER = [
    ("households", {"created": 3}),
    ("properties", {"created": 2}),
    ("benefit-records", {"created": 5}),
    ("interventions", {"created": 2}),
    ("placements", {"created": 1}),
    ("licences", {"created": 1}),
    ("inspections", {"created": 3}),
    ("area-statistics", {"created": 3}),
]


def import_examples(upload) -> list[ImportBatch]:  # type: ignore[no-untyped-def]
    return [upload(kind, example(kind)) for kind, _ in ORDER]


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Household,
            Person,
            Membership,
            Property,
            BenefitRecord,
            Intervention,
            Placement,
            Licence,
            Inspection,
            HazardFinding,
            AreaStatistic,
        )
    }


EXPECTED = {
    "Household": 2,
    "Person": 3,
    "Membership": 3,
    "Property": 2,
    "BenefitRecord": 5,
    "Intervention": 2,
    "Placement": 1,
    "Licence": 1,
    "Inspection": 2,
    "HazardFinding": 2,
    "AreaStatistic": 3,
}


@pytest.mark.usefixtures("catalogue")
def test_every_example_file_imports_in_order(upload) -> None:  # type: ignore[no-untyped-def]
    batches = import_examples(upload)
    for batch, (kind, expected) in zip(batches, ORDER, strict=True):
        assert batch.status == ImportBatch.Status.COMMITTED, (kind, batch.report["problems"])
        assert batch.created == expected["created"], kind
        assert batch.job.state == Job.State.SUCCEEDED
    assert counts() == EXPECTED
    household = Household.objects.get(case_reference="MTF-900002")
    assert household.sharing_bases.get().basis == "dea_s35"
    assert household.opened_on.isoformat() == "2010-10-14"  # written 14/10/2010 in the file
    assert BenefitRecord.objects.filter(month="2010-11-01").count() == 1  # Excel serial 40483
    assert Property.objects.get(uprn=900000002).postcode == "CT9 1AA"
    placement = Placement.objects.get()
    assert placement.deadline_met() is True
    assert HazardFinding.objects.get(hazard__number=1).category == 1


@pytest.mark.usefixtures("catalogue")
def test_the_same_file_again_is_recognised_and_writes_nothing(upload) -> None:  # type: ignore[no-untyped-def]
    import_examples(upload)
    again = import_examples(upload)
    for batch in again:
        assert batch.status == ImportBatch.Status.ALREADY_IMPORTED
        assert batch.report["already_imported_by"] < batch.pk
        assert batch.created == 0
    assert counts() == EXPECTED


@pytest.mark.usefixtures("catalogue")
def test_the_same_rows_in_another_file_match_by_natural_key_and_create_nothing(upload) -> None:  # type: ignore[no-untyped-def]
    import_examples(upload)
    for kind, _ in ORDER:
        # A different file (an extra blank line and a byte-order mark) holding the same rows, under the same
        # name (area statistics take their source from it).
        batch = upload(kind, b"\xef\xbb\xbf" + example(kind) + b"\r\n")
        assert batch.status == ImportBatch.Status.COMMITTED, (kind, batch.report["problems"])
        assert (batch.created, batch.updated) == (0, 0), kind
        assert batch.unchanged == batch.rows
    assert counts() == EXPECTED


@pytest.mark.usefixtures("catalogue")
def test_a_changed_value_updates_the_record_it_matches(upload) -> None:  # type: ignore[no-untyped-def]
    import_examples(upload)
    changed = example("benefit-records").replace(
        b"AA000001A,2010-09,jsa,280.50", b"AA000001A,2010-09,jsa,290.00"
    )
    batch = upload("benefit-records", changed, file_name="corrected.csv")
    assert (batch.created, batch.updated, batch.unchanged) == (0, 1, 4)
    assert str(BenefitRecord.objects.get(month="2010-09-01").amount) == "290.00"


def test_a_dry_run_checks_and_writes_nothing_until_committed(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    batch = batch_upload(kind="households", file_name="h.csv", data=example("households"), dry_run=True)
    assert batch.status == ImportBatch.Status.VALID
    assert batch.rows == 3
    assert Household.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        batch_commit(batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    assert Household.objects.count() == 2


def test_a_batch_is_written_once_however_often_its_job_runs() -> None:
    batch = batch_create(kind="households", file_name="h.csv", data=example("households"))
    job = batch_commit(batch=batch, enqueue=False)
    job_run(job_id=job.pk)
    # A redelivered task for a job its worker died in: job_claim takes a running job over.
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING)
    job_run(job_id=job.pk)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    assert Household.objects.count() == 2
    assert Person.objects.count() == 3

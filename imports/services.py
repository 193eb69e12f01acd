"""Writes for imports: keep the uploaded file, check it, and write it as a job, all or nothing, once.

A batch's file is stored under settings.IMPORTS_DIR by batch id, so a worker on another machine sharing
that directory can read it. Committing hands the batch to a job; the job's handler checks every row again
(the database may have changed since the upload) and writes them in one transaction that also marks the
batch committed. A worker killed mid-import leaves nothing behind (the transaction rolls back) and the
redelivered task runs the import again from the start; a batch already committed is never written twice,
and the same file committed under another batch is recognised by its hash and written no more.
"""

import hashlib
import io
import tempfile
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone

from jobs.models import Job
from jobs.services import JobProgress, job_abandon_silent, job_create, job_enqueue
from taskforce.org import audit

from .core import ImportReport, Problem, Progress, run_import
from .kinds import KINDS, kind_for
from .models import ImportBatch
from .uploads import UploadTooLarge


class ImportRefused(Exception):
    """The batch cannot be committed in its current state."""


def batch_path(batch: ImportBatch) -> Path:
    return Path(settings.IMPORTS_DIR) / f"{batch.pk}.csv"


def batch_data(batch: ImportBatch) -> bytes:
    return batch_path(batch).read_bytes()


def already_imported(batch: ImportBatch) -> ImportBatch | None:
    """The committed batch of the same kind whose file is byte for byte this one, if any."""
    return (
        ImportBatch.objects.filter(kind=batch.kind, sha256=batch.sha256, status=ImportBatch.Status.COMMITTED)
        .exclude(pk=batch.pk)
        .first()
    )


def batch_create(
    *,
    kind: str,
    file_name: str,
    data: bytes | IO[bytes],
    uploaded_by: User | None = None,
    options: dict[str, Any] | None = None,
) -> ImportBatch:
    """Record an uploaded file and keep it. A file over settings.IMPORT_MAX_BYTES raises UploadTooLarge as
    soon as the copy passes the limit, and leaves no batch and no file behind."""
    if kind not in KINDS:
        raise ValueError(f"Unknown import kind {kind!r}: expected one of {', '.join(KINDS)}.")
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    directory = Path(settings.IMPORTS_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    # Copied under a temporary name first: the batch and its file appear together, or neither does.
    part = Path(tempfile.mkstemp(dir=directory, prefix=".upload-", suffix=".part")[1])
    try:
        digest, size = _copy(stream, part, limit=settings.IMPORT_MAX_BYTES)
        with transaction.atomic():
            batch = ImportBatch(
                kind=kind,
                file_name=Path(file_name).name[:255] or "upload.csv",
                sha256=digest,
                size=size,
                uploaded_by=uploaded_by,
                options=options or {},
            )
            batch.full_clean()
            batch.save()
            part.replace(batch_path(batch))
    finally:
        part.unlink(missing_ok=True)
    return batch


def _copy(stream: IO[bytes], path: Path, *, limit: int) -> tuple[str, int]:
    """Copy `stream` to `path`; its SHA-256 and size. Stops at the chunk that passes `limit`."""
    digest = hashlib.sha256()
    size = 0
    with path.open("wb") as out:
        while chunk := stream.read(1 << 20):
            size += len(chunk)
            if size > limit:
                raise UploadTooLarge()
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest(), size


def batch_upload(
    *,
    kind: str,
    file_name: str,
    data: bytes | IO[bytes],
    uploaded_by: User | None = None,
    dry_run: bool = False,
    options: dict[str, Any] | None = None,
) -> ImportBatch:
    """Keep and check a file; unless this is a dry run and if every row is good, hand it to a job to write."""
    batch = batch_create(kind=kind, file_name=file_name, data=data, uploaded_by=uploaded_by, options=options)
    try:
        batch = batch_check(batch=batch)
    except Exception:
        # A check that breaks (a fault, not a bad file: those are reported) keeps neither batch nor file.
        batch_path(batch).unlink(missing_ok=True)
        ImportBatch.objects.filter(pk=batch.pk).delete()
        raise
    if batch.status == ImportBatch.Status.VALID and not dry_run:
        batch_commit(batch=batch, requested_by=uploaded_by)
        batch.refresh_from_db()
    return batch


def _record(batch: ImportBatch, report: ImportReport, *, status: str) -> None:
    batch.status = status
    batch.rows = report.rows
    batch.created, batch.updated, batch.unchanged = report.created, report.updated, report.unchanged
    batch.problem_count = len(report.problems)
    batch.report = report.as_dict()
    fields = ["status", "rows", "created", "updated", "unchanged", "problem_count", "report"]
    if status == ImportBatch.Status.COMMITTED:
        batch.committed_at = timezone.now()
        fields.append("committed_at")
    batch.save(update_fields=fields)


def _read(batch: ImportBatch) -> bytes | ImportReport:
    """The batch's file, or a report of why it cannot be read."""
    path = batch_path(batch)
    if not path.exists():
        report = ImportReport(kind=batch.kind, sha256=batch.sha256)
        rule = "The uploaded file is no longer stored: upload it again."
        report.problems.append(Problem(row=0, column="(file)", value="", rule=rule))
        return report
    return path.read_bytes()


def batch_check(*, batch: ImportBatch, progress: Progress | None = None) -> ImportBatch:
    """Check every row and store the report (a dry run: nothing but the batch is written)."""
    data = _read(batch)
    if isinstance(data, ImportReport):
        report = data
    else:
        kind = kind_for(batch.kind, user=batch.uploaded_by, options=_options(batch))
        report = run_import(kind, data, dry_run=True, progress=progress, max_bytes=settings.IMPORT_MAX_BYTES)
    _record(batch, report, status=ImportBatch.Status.VALID if report.ok else ImportBatch.Status.INVALID)
    twin = already_imported(batch)
    if twin is not None:
        batch.report = {**batch.report, "already_imported_by": twin.pk}
        batch.save(update_fields=["report"])
    return batch


@transaction.atomic
def batch_commit(
    *,
    batch: ImportBatch,
    requested_by: User | None = None,
    enqueue: bool = True,
    queue: str | None = None,
) -> Job:
    """Hand a checked batch to a job that writes it (after this transaction commits)."""
    job_id = ImportBatch.objects.filter(pk=batch.pk).values_list("job_id", flat=True).first()
    if job_id is not None:
        # A job whose process died is failed first, so the batch can be committed again at once.
        job_abandon_silent(job_id=job_id)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status == ImportBatch.Status.INVALID:
        raise ImportRefused(
            f"Import #{batch.pk} has {batch.problem_count} bad row(s): correct the file and upload it again."
        )
    if batch.job is not None and batch.is_in_progress:
        return batch.job
    if batch.status in ImportBatch.WRITTEN:
        raise ImportRefused(f"Import #{batch.pk} has already been written.")
    job = job_create(kind="import", parameters={"batch": batch.pk}, requested_by=requested_by)
    batch.job = job
    batch.save(update_fields=["job"])
    if enqueue:
        job_enqueue(job=job, queue=queue)
    return job


def run_import_job(job: Job, progress: JobProgress) -> dict[str, Any]:
    """Job handler: check and write the batch behind `job`, all or nothing, at most once. While it runs,
    and if it fails, the batch's state is the job's."""
    batch = ImportBatch.objects.get(job=job)
    if batch.status in ImportBatch.WRITTEN:
        return {"batch": batch.pk, "status": batch.status}
    twin = already_imported(batch)
    if twin is not None:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.ALREADY_IMPORTED,
            report={**batch.report, "already_imported_by": twin.pk},
            rows=twin.rows,
            unchanged=twin.rows,
            created=0,
            updated=0,
        )
        return {
            "batch": batch.pk,
            "status": ImportBatch.Status.ALREADY_IMPORTED,
            "already_imported_by": twin.pk,
        }
    data = _read(batch)
    if isinstance(data, ImportReport):
        _record(batch, data, status=ImportBatch.Status.INVALID)
        return {"batch": batch.pk, "status": batch.status, "problems": batch.problem_count}

    def mark_committed(report: ImportReport) -> None:
        # Inside the import's transaction: the rows and this mark commit together or not at all. The
        # condition refuses a second commit of the same batch by a duplicate delivery running alongside.
        marked = (
            ImportBatch.objects.filter(pk=batch.pk)
            .exclude(status__in=ImportBatch.WRITTEN)
            .update(
                status=ImportBatch.Status.COMMITTED,
                committed_at=timezone.now(),
                rows=report.rows,
                created=report.created,
                updated=report.updated,
                unchanged=report.unchanged,
                problem_count=0,
                report=report.as_dict(),
            )
        )
        if not marked:
            raise ImportRefused(f"Import #{batch.pk} was committed by another run.")

    kind = kind_for(batch.kind, user=batch.uploaded_by, options=_options(batch))
    # An exception leaves nothing written (the import's transaction rolled back) and fails the job, which
    # records it: the batch then shows as failed, and committing it again may cure it.
    with audit.route("import"), audit.changes_by(batch.uploaded_by):
        report = run_import(
            kind, data, progress=progress, on_written=mark_committed, max_bytes=settings.IMPORT_MAX_BYTES
        )
    if not report.committed:
        _record(batch, report, status=ImportBatch.Status.INVALID)
    batch.refresh_from_db()
    return {
        "batch": batch.pk,
        "status": batch.status,
        "rows": batch.rows,
        "created": batch.created,
        "updated": batch.updated,
        "unchanged": batch.unchanged,
        "problems": batch.problem_count,
    }


def _options(batch: ImportBatch) -> dict[str, Any]:
    return {"file_name": batch.file_name, **batch.options}


def may_follow_import(job: Job, user: User | AnonymousUser) -> bool:
    """Whoever may open the batch may follow the import writing it."""
    return ImportBatch.objects.visible_to(user).filter(job=job).exists()

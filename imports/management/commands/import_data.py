"""manage.py import_data KIND FILE [--dry-run]: check every row, then write them all or none (docs/imports.md)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from imports.kinds import KINDS
from imports.models import ImportBatch
from imports.services import batch_check, batch_commit, batch_create
from jobs.models import Job
from jobs.services import job_run


class Command(BaseCommand):
    help = (
        "Import a CSV file of one kind (see docs/imports.md for each kind's columns). Every row is checked "
        "first; every bad row is listed (row, column, value, rule) and nothing is written if any is bad."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; write nothing."
        )
        parser.add_argument(
            "--source", help="area-statistics: where the figures come from (default: the file name)."
        )
        parser.add_argument("--release", default="", help="area-statistics: edition of the source.")
        parser.add_argument("--vintage", type=int, help="area-statistics: boundary vintage for new areas.")

    def handle(self, *args: Any, kind: str, file: Path, dry_run: bool, **options: Any) -> None:
        if not file.is_file():
            raise CommandError(f"{file}: no such file.")
        extra = {k: options[k] for k in ("source", "release", "vintage") if options.get(k)}
        batch = batch_create(kind=kind, file_name=file.name, data=file.read_bytes(), options=extra)
        if dry_run:
            with _Bar(file.name) as bar:
                batch = batch_check(batch=batch, progress=bar)
            self._report(batch, file)
            self.stdout.write(f"{file}: {batch.rows} rows are valid (dry run: nothing written).")
            return
        job = batch_commit(batch=batch, enqueue=False)
        with _Bar(file.name) as bar:
            job_run(job_id=job.pk, listener=bar.update)
        batch.refresh_from_db()
        self._report(batch, file)
        if batch.status == ImportBatch.Status.ALREADY_IMPORTED:
            self.stdout.write(
                f"{file}: the same file was imported by batch #{batch.report['already_imported_by']}; nothing written."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{file}: {batch.rows} rows: {batch.created} created, {batch.updated} updated, "
                f"{batch.unchanged} unchanged (import #{batch.pk})."
            )
        )

    def _report(self, batch: ImportBatch, file: Path) -> None:
        problems = batch.report.get("problems", [])
        if not problems:
            return
        lines = "\n".join(f"  {_problem(p)}" for p in problems)
        raise CommandError(f"{file}: {len(problems)} problem(s); nothing was imported.\n{lines}")


def _problem(p: dict[str, Any]) -> str:
    where = f"row {p['row']}" if p["row"] else "file"
    value = f" (value {p['value']!r})" if p["value"] else ""
    return f"{where}, column {p['column']}{value}: {p['rule']}"


class _Bar:
    """A tqdm bar of rows checked, fed by a job's progress or, in a dry run, by the check itself."""

    def __init__(self, name: str) -> None:
        self.bar = tqdm(desc=name, unit=" rows", unit_scale=True, leave=False)

    def __enter__(self) -> "_Bar":
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.close()

    def update(self, job: Job) -> None:
        self.bar.total = job.total
        self.bar.n = job.done
        self.bar.set_postfix_str(job.message, refresh=False)
        self.bar.refresh()

    def start(self, total: int, message: str = "") -> None:
        self.bar.total = total
        self.bar.refresh()

    def advance(self, n: int, message: str | None = None) -> None:
        self.bar.update(n)

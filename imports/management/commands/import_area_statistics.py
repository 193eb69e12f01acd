"""manage.py import_area_statistics FILE.csv: upsert area statistics, all or nothing."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from imports.core import run_import
from imports.kinds.area_statistics import AreaStatisticsImport


class Command(BaseCommand):
    help = (
        "Import area statistics from a long CSV with header area_code,area_name,area_type,period,measure,value "
        "(period YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD). Every row is checked first; nothing is written if any is bad."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", help="Where the figures come from (default: the file name).")
        parser.add_argument(
            "--release", default="", help="Edition or release of the source, e.g. 'NOMIS 2016-02'."
        )
        parser.add_argument("--vintage", type=int, help="Boundary vintage (year) for areas not yet known.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; write nothing."
        )

    def handle(
        self,
        *args: Any,
        file: Path,
        source: str | None,
        release: str,
        vintage: int | None,
        dry_run: bool,
        **options: Any,
    ) -> None:
        if not file.is_file():
            raise CommandError(f"{file}: no such file.")
        kind = AreaStatisticsImport(source=source or file.name, vintage=vintage, release=release)
        report = run_import(kind, file.read_bytes(), dry_run=dry_run)
        if not report.ok:
            shown = report.problems[:50]
            lines = "\n".join(f"  {p}" for p in shown)
            more = (
                f"\n  ... and {len(report.problems) - len(shown)} more"
                if len(report.problems) > len(shown)
                else ""
            )
            raise CommandError(
                f"{file}: {len(report.problems)} problem(s); nothing was imported.\n{lines}{more}"
            )
        if dry_run:
            self.stdout.write(f"{file}: {report.rows} rows are valid (dry run: nothing written).")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{file}: {report.rows} rows: {report.created} created, {report.updated} updated, "
                f"{report.unchanged} unchanged."
            )
        )

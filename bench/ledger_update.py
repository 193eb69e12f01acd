"""CPU of a small benefit records import on the full demo: the housing benefit ledger brought up to date for
the file's claimants only (`update_ledger`), against the same import followed by a rebuild of the whole
ledger (`rebuild_ledger`, what every import did before), in the same run on the same file.

The file changes the last month's housing benefit amount of each of `--claimants` claimants (a month's
correction file). Each
import runs in a transaction rolled back afterwards, so the demo is left as it was; the ledger is up to date
before each (the demo load builds it). CPU seconds of this process (SQLite works in it; on PostgreSQL the
server's share is not counted), best of `--repeat`.

    make run   # once, to load the demo
    PYTHONPATH=. .venv/bin/python bench/ledger_update.py [--claimants 100,1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from decimal import Decimal

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taskforce.settings")
django.setup()

from django.db import transaction  # noqa: E402

import imports.kinds.benefit_records as benefit_records  # noqa: E402
from imports.core import run_import  # noqa: E402
from imports.kinds.benefit_records import BenefitRecordsImport  # noqa: E402
from outcomes.datasets.ledger import current_ledger, rebuild_ledger, update_ledger  # noqa: E402
from outcomes.models import BenefitRecord, HousingBenefitLedger  # noqa: E402


def correction_file(claimants: int) -> bytes:
    """The last month's housing benefit record of each of the first `claimants` claimants paid in it (with a
    National Insurance number), its amount changed by a penny: a month's correction file."""
    hb = BenefitRecord.objects.filter(benefit__code="hb", person__nino__gt="")
    month = hb.order_by("-month").values_list("month", flat=True).first()
    rows = (
        hb.filter(month=month)
        .order_by("person_id")
        .values_list("person__nino", "month", "amount")[:claimants]
    )
    penny = Decimal("0.01")
    lines = [f"{nino},{month:%Y-%m},hb,{amount + penny:.2f}" for nino, month, amount in rows]
    return ("nino,month,benefit,amount\n" + "\n".join(lines) + "\n").encode()


def timed(data: bytes, update: Callable[..., int], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        benefit_records.update_ledger = update  # type: ignore[attr-defined]
        with transaction.atomic():
            started = time.process_time()
            report = run_import(BenefitRecordsImport(), data)
            best = min(best, time.process_time() - started)
            if not (report.committed and report.updated):
                raise SystemExit(f"The import did not change records: {report.problems[:3]}")
            transaction.set_rollback(True)
    benefit_records.update_ledger = update_ledger  # type: ignore[attr-defined]
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claimants", default="100,1000", help="claimants in the file (comma-separated)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if current_ledger() is None:
        raise SystemExit("The ledger is not up to date with the records: load the demo first (make run).")
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    total = HousingBenefitLedger.objects.count()
    print(f"{total:,} claimants in the ledger; best of {args.repeat}; load average {load}")
    print("| claimants in the file | CPU s, their rows only | CPU s, whole ledger rebuilt (peer) | ratio |")
    print("|---:|---:|---:|---:|")
    for claimants in (int(n) for n in args.claimants.split(",")):
        data = correction_file(claimants)
        partial = timed(data, update_ledger, args.repeat)
        whole = timed(data, lambda persons, before: rebuild_ledger(), args.repeat)
        print(f"| {claimants:,} | {partial:.2f} | {whole:.2f} | {whole / partial:.1f}x |")


if __name__ == "__main__":
    main()

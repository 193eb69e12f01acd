"""manage.py import_data KIND FILE [--dry-run]: the report of every bad row, a non-zero exit, all or nothing."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from households.models import Property
from imports.models import ImportBatch

from .conftest import EXAMPLES

pytestmark = pytest.mark.django_db


def test_a_dry_run_checks_and_writes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("import_data", "properties", str(EXAMPLES / "properties.csv"), "--dry-run")
    assert "2 rows are valid (dry run: nothing written)" in capsys.readouterr().out
    assert Property.objects.count() == 0


def test_a_good_file_is_written_and_a_second_time_recognised(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("import_data", "properties", str(EXAMPLES / "properties.csv"))
    out = capsys.readouterr().out
    assert "2 rows: 2 created, 0 updated, 0 unchanged" in out
    call_command("import_data", "properties", str(EXAMPLES / "properties.csv"))
    first = ImportBatch.objects.get(status=ImportBatch.Status.COMMITTED)
    assert f"the same file was imported by batch #{first.pk}; nothing written" in capsys.readouterr().out
    assert Property.objects.count() == 2


def test_every_bad_row_is_printed_and_the_command_fails(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    text = (EXAMPLES / "properties.csv").read_text()
    bad.write_text(text.replace("CT9 2AB", "CT99 ZZZ").replace("social", "council"))
    with pytest.raises(CommandError) as error:
        call_command("import_data", "properties", str(bad))
    assert str(error.value).splitlines() == [
        f"{bad}: 2 problem(s); nothing was imported.",
        "  row 2, column postcode (value 'CT99 ZZZ'): CT99 ZZZ is not a UK postcode: expected an outward code "
        "such as CT9 and an inward code such as 2AB (for example CT9 2AB).",
        "  row 3, column tenure (value 'council'): expected one of owner, social, private, temporary, supported",
    ]
    assert Property.objects.count() == 0


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(CommandError, match="invalid choice: 'people'"):
        call_command("import_data", "people", str(EXAMPLES / "properties.csv"))

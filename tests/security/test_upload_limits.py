"""Uploads are held to a size limit while they stream in and to a length limit per cell: a refused upload is
a clear answer, never a 500, and leaves no batch and no file on disk."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopUpload
from django.http import HttpRequest
from django.test import Client
from pytest_django.fixtures import Settings

from imports.core import run_import
from imports.kinds.benefit_records import BenefitRecordsImport
from imports.kinds.households import HouseholdsImport
from imports.models import ImportBatch
from imports.uploads import FORM_ALLOWANCE, LimitedUploadHandler, refusal
from taskforce.org.models import StaffProfile
from taskforce.org.services import api_token_create
from tests.factories import MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db

BENEFITS = "nino,month,benefit,amount\n"
HOUSEHOLDS = (
    "case_reference,ward,opened_on,closed_on,basis,agencies,given_name,family_name,date_of_birth,nino,sex,"
    "relationship,joined_on\n"
)


@pytest.fixture
def imports_dir(settings: Settings, tmp_path: Path) -> Path:
    settings.IMPORTS_DIR = tmp_path / "imports"
    settings.IMPORTS_DIR.mkdir()
    return settings.IMPORTS_DIR


def _post(client: Client, key: str, data: bytes, kind: str = "households"):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/imports/",
        {"kind": kind, "file": SimpleUploadedFile("f.csv", data, "text/csv"), "dry_run": "true"},
        HTTP_AUTHORIZATION=f"Token {key}",
    )


def test_an_upload_over_the_limit_is_refused_and_leaves_nothing(
    client: Client, caseworker: StaffProfile, settings: Settings, imports_dir: Path
) -> None:
    settings.IMPORT_MAX_BYTES = 200_000
    _token, key = api_token_create(user=caseworker.user, name="script")
    big = (HOUSEHOLDS + "x" * 100 + "\n") * 3_000
    response = _post(client, key, big.encode())
    assert response.status_code == 413
    assert "Split it into smaller files" in response.json()["detail"]
    assert ImportBatch.objects.count() == 0
    assert list(imports_dir.iterdir()) == []


def test_the_limit_is_checked_while_the_file_streams_not_after(
    client: Client, caseworker: StaffProfile, settings: Settings, imports_dir: Path
) -> None:
    """A body declared small enough to pass the first check is still stopped at the chunk that crosses the
    limit: the file never reaches a temporary file of its full size."""
    settings.IMPORT_MAX_BYTES = 100_000
    request = HttpRequest()
    handler = LimitedUploadHandler(request=request)
    assert handler.handle_raw_input(None, {}, 100_000 + FORM_ALLOWANCE, b"") is None
    assert handler.receive_data_chunk(b"x" * 65_536, 0) == b"x" * 65_536
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"x" * 65_536, 65_536)
    assert "Split it into smaller files" in str(refusal(request))


def test_the_web_page_refuses_an_oversized_file_with_an_error_beside_it(
    client: Client, ward_manager: StaffProfile, settings: Settings, imports_dir: Path
) -> None:
    settings.IMPORT_MAX_BYTES = 200_000
    settings.TASKFORCE_REQUIRE_2FA = False
    client.force_login(ward_manager.user)
    data = ((HOUSEHOLDS + "x" * 100 + "\n") * 3_000).encode()
    response = client.post(
        "/imports/new/", {"kind": "households", "file": SimpleUploadedFile("f.csv", data, "text/csv")}
    )
    assert response.status_code == 200
    assert "Split it into smaller files" in response.content.decode()
    assert ImportBatch.objects.count() == 0
    assert list(imports_dir.iterdir()) == []


def test_a_line_over_python_csv_limit_is_a_row_error_naming_row_and_column(
    client: Client, caseworker: StaffProfile, imports_dir: Path
) -> None:
    _token, key = api_token_create(user=caseworker.user, name="script")
    line = "MTF-000001,E05005088,2010-09-01,,consent,jcp," + "A" * 140_000 + ",Ex,1980-01-01,,,head,\n"
    response = _post(client, key, (HOUSEHOLDS + line).encode())
    assert response.status_code == 201
    [problem] = response.json()["problems"]
    assert (problem["row"], problem["column"]) == (2, "given_name")
    assert "140,000 characters long; a cell holds at most 10,000" in problem["rule"]
    assert len(problem["value"]) < 100


def test_a_long_cell_in_a_columnar_file_is_reported_by_row_and_column() -> None:
    MembershipFactory(person=PersonFactory(nino="AA000001A"))
    data = (
        BENEFITS + "AA000001A,2010-09,jsa,1.00\n" + "AA000001A,2010-10," + "j" * 200_000 + ",1\n"
    ).encode()
    report = run_import(BenefitRecordsImport(), data, dry_run=True)
    assert [(p.row, p.column) for p in report.problems] == [(3, "benefit")]


def test_a_quoted_field_too_long_for_csv_is_not_a_server_error() -> None:
    data = (HOUSEHOLDS + '"' + "M" * 200_000 + '",E05005088\n').encode()
    report = run_import(HouseholdsImport(), data, dry_run=True)
    assert report.problems  # a file or row problem, not an exception


def test_a_check_that_breaks_keeps_neither_batch_nor_file(
    monkeypatch: pytest.MonkeyPatch, imports_dir: Path
) -> None:
    from imports import services

    def broken(*, batch: ImportBatch, progress: object = None) -> ImportBatch:
        raise RuntimeError("a fault in the checker")

    monkeypatch.setattr(services, "batch_check", broken)
    with pytest.raises(RuntimeError):
        services.batch_upload(kind="households", file_name="h.csv", data=HOUSEHOLDS.encode())
    assert ImportBatch.objects.count() == 0
    assert list(imports_dir.iterdir()) == []

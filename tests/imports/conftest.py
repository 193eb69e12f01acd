"""Imports keep their files under IMPORTS_DIR: a fresh directory per test."""

from pathlib import Path
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from imports.models import ImportBatch
from imports.services import batch_upload
from interventions.models import Service
from tests.factories import ServiceFactory, agency

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(autouse=True)
def _imports_dir(settings: Settings, tmp_path: Path) -> None:
    settings.IMPORTS_DIR = tmp_path / "imports"


@pytest.fixture
def catalogue(db: None) -> list[Service]:
    """The services the example interventions refer to."""
    return [
        ServiceFactory(agency=agency("jcp"), name="Co-located work coach"),
        ServiceFactory(agency=agency("tdc"), name="Housing options"),
    ]


def example(name: str) -> bytes:
    return (EXAMPLES / f"{name}.csv").read_bytes()


@pytest.fixture
def upload(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """batch_upload, with the job it enqueues run as the surrounding test transaction 'commits'."""

    def run(kind: str, data: bytes, *, file_name: str = "", **kwargs: Any) -> ImportBatch:
        with django_capture_on_commit_callbacks(execute=True):
            batch = batch_upload(kind=kind, file_name=file_name or f"{kind}.csv", data=data, **kwargs)
        batch.refresh_from_db()
        return batch

    return run

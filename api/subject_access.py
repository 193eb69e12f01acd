"""Subject access requests: everything held about one person, as JSON tables or a zip of CSV files."""

import io
import zipfile
from typing import Any

from privacy.subject_access import everything_about

from .renderers import csv_text

__all__ = ["as_csv_zip", "everything_about"]


def as_csv_zip(tables: dict[str, list[dict[str, Any]]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in tables.items():
            archive.writestr(f"{name}.csv", csv_text(rows))
    return buffer.getvalue()

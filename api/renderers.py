"""CSV that is safe to open in a spreadsheet."""

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

from rest_framework.renderers import BaseRenderer

from taskforce.org.csvsafe import safe_cell


def _cell(value: Any) -> Any:
    """A cell for the API's CSV: lists joined by spaces, then neutralised like every other export."""
    if isinstance(value, list | tuple):
        value = " ".join(str(v) for v in value)
    return safe_cell(value)


def csv_text(rows: Iterable[Mapping[str, Any]], fields: list[str] | None = None) -> str:
    rows = list(rows)
    fields = fields or (list(rows[0]) if rows else [])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(fields)
    for row in rows:
        writer.writerow([_cell(row.get(field)) for field in fields])
    return out.getvalue()


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        if isinstance(data, Mapping):  # an error: one row of its fields
            data = [{key: str(value) for key, value in data.items()}]
        return csv_text(data or []).encode()

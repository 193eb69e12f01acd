"""CSV that is safe to open in a spreadsheet, written by the floor's one CSV writer (csvsafe.write_csv)."""

import io
from collections.abc import Iterable, Mapping
from typing import Any

from rest_framework.renderers import BaseRenderer

from taskforce.org.csvsafe import write_csv


def _joined(value: Any) -> Any:
    """Lists as one cell, their items joined by spaces."""
    if isinstance(value, list | tuple):
        return " ".join(str(v) for v in value)
    return value


def csv_text(rows: Iterable[Mapping[str, Any]], fields: list[str] | None = None) -> str:
    rows = list(rows)
    fields = fields or (list(rows[0]) if rows else [])
    out = io.StringIO()
    write_csv(out, fields, ([_joined(row.get(field)) for field in fields] for row in rows))
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

"""The evidence pack's tables as a zip of CSV files, for those who work with the figures themselves."""

import io
import zipfile

from taskforce.org.csvsafe import write_csv

from .pack import EvidencePack


def csv_bundle(pack: EvidencePack) -> bytes:
    """A zip of every table as CSV (published values only) and a list of the runs each section came from."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for section, table in pack.tables():
            text = io.StringIO()
            write_csv(text, [c.label for c in table.columns], [list(r) for r in table.rows])
            bundle.writestr(f"{section.slug}/{table.slug}.csv", text.getvalue())
        text = io.StringIO()
        write_csv(
            text,
            ["section", "analysis run", "kind", "parameters", "finished"],
            [
                [
                    s.title,
                    src.run_id,
                    src.kind_label,
                    src.parameter_text,
                    src.finished_at.isoformat() if src.finished_at else "",
                ]
                for s in pack.sections
                for src in s.sources
            ]
            + [[s.title, "", "", s.missing, ""] for s in pack.sections if s.missing],
        )
        bundle.writestr("sources.csv", text.getvalue())
    return buffer.getvalue()

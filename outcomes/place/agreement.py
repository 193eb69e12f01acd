"""The Margate Agreement register: who signed, when and what they committed to, and for each signatory its
placements into the wards before and after signing and whether its notices came on time.

Placements are the records' (`datasets.records.placements_frame`), into the wards the viewer may see;
every count and rate is published through `disclosure.publish`, so a signatory with few placements shows
"[c]" and no rate.
"""

from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.utils import timezone

from households.models import AgreementSignatory

from ..analysis.agreement import compliance_by_signing, signatory_placements
from ..analysis.placements import notification_status
from ..dashboards.panel import BarChart, Panel, rows_of
from ..datasets.place import signatories_frame
from ..datasets.records import placements_frame
from ..disclosure import Rate, numeric, publish
from ..tables import Column

REGISTER_COLUMNS = (
    Column("authority", "Signatory", "text"),
    Column("signed_on", "Signed", "text"),
    Column("before", "Placements before signing"),
    Column("after", "Placements after signing"),
    Column("per_year_before", "Per year before", "ratio"),
    Column("per_year_after", "Per year after", "ratio"),
    Column("on_time_rate_before", "Notices on time before (%)", "rate"),
    Column("on_time_rate_after", "Notices on time after (%)", "rate"),
)
COMPLIANCE_COLUMNS = (
    Column("group", "Placements by", "text"),
    Column("on_time", "Notified on time"),
    Column("late", "Notified late"),
    Column("missing", "No notification"),
    Column("judged", "Notices due"),
    Column("on_time_rate", "On time (%)", "rate"),
)


@dataclass(frozen=True)
class Register:
    signatories: tuple[AgreementSignatory, ...]
    panel: Panel
    compliance: Panel


def placements_with_status(codes: tuple[str, ...]) -> pd.DataFrame:
    today = timezone.localdate()
    frame = placements_frame()
    frame = frame[frame["area"].isin(codes)].copy()
    frame["status"] = [
        notification_status(n, d, today=today)
        for n, d in zip(frame["notified_on"].tolist(), frame["due_on"].tolist(), strict=True)
    ]
    return frame


def register_panel(placements: pd.DataFrame, signatories: pd.DataFrame, label: str) -> Panel:
    today = pd.Timestamp(timezone.localdate())
    first_day = pd.to_datetime(placements["placed_on"]).min() if len(placements) else today
    table = signatory_placements(placements, signatories, first_day=first_day, today=today)
    if table.empty:
        table = pd.DataFrame(columns=[c.key for c in REGISTER_COLUMNS] + ["judged_before", "judged_after"])
        table = table.assign(on_time_before=[], on_time_after=[])
    table = table.set_index("authority", drop=False)
    table.index.name = None
    published = publish(
        table,
        counts=["before", "after", "judged_before", "on_time_before", "judged_after", "on_time_after"],
        rates={
            "per_year_before": Rate("before", "before"),
            "per_year_after": Rate("after", "after"),
            "on_time_rate_before": Rate("judged_before", "on_time_before"),
            "on_time_rate_after": Rate("judged_after", "on_time_after"),
        },
    )
    chart = BarChart(
        title=f"Placements into {label} a year, before and after signing the Margate Agreement",
        categories=[str(a) for a in published["authority"]],
        series={
            "Before signing": numeric(published["per_year_before"]),
            "After signing": numeric(published["per_year_after"]),
        },
        ylabel="Placements a year",
        horizontal=True,
        stacked=False,
    )
    n = len(published)
    summary = (
        f"{n} authorit{'y has' if n == 1 else 'ies have'} signed the Margate Agreement; the chart compares "
        f"each one's placements into {label} a year before and after it signed."
        if n
        else "No authority has signed the Margate Agreement yet."
    )
    return Panel(
        "agreement",
        "Signatories' placements before and after signing",
        summary,
        REGISTER_COLUMNS,
        rows_of(published, REGISTER_COLUMNS),
        chart,
        (
            "Before and after is a description, not an effect: an authority may sign when it already places "
            "fewer households. Rates are shown only where ten or more placements or notices stand behind them.",
            "A notice is on time when an s208 notice arrived within 14 days (looked-after children: before "
            "placement or within 5 working days in an emergency).",
        ),
    )


def compliance_panel(placements: pd.DataFrame, signatories: pd.DataFrame, label: str) -> Panel:
    table = compliance_by_signing(placements, signatories)
    table.loc["Total"] = table[["on_time", "late", "missing", "judged"]].sum()
    table.loc["Total", "on_time_rate"] = (
        100 * table.loc["Total", "on_time"] / table.loc["Total", "judged"]
        if table.loc["Total", "judged"]
        else None
    )
    table["group"] = table.index
    published = publish(
        table,
        counts=["on_time", "late", "missing", "judged"],
        rates={"on_time_rate": Rate("judged", "on_time")},
        total_row="Total",
        total_column="judged",
    )
    body = published.drop(index="Total")
    chart = BarChart(
        title=f"Notice of placements into {label}: signatories against non-signatories",
        categories=[str(i) for i in body.index],
        series={c.label: numeric(body[c.key]) for c in COMPLIANCE_COLUMNS[1:4]},
        ylabel="Placements",
        horizontal=True,
    )
    return Panel(
        "agreement-compliance",
        "Notification by signatories and non-signatories",
        f"Whether placing authorities gave notice on time for placements into {label}, signatories (before "
        "and after signing) against authorities that have not signed.",
        COMPLIANCE_COLUMNS,
        rows_of(published, COMPLIANCE_COLUMNS),
        chart,
        ("Placements with no statutory notice rule, and those not yet due, are left out.",),
    )


def agreement_register(codes: tuple[str, ...], label: str) -> Register:
    placements = placements_with_status(codes)
    signatories = signatories_frame()
    return Register(
        signatories=tuple(AgreementSignatory.objects.select_related("authority").order_by("signed_on")),
        panel=register_panel(placements, signatories, label),
        compliance=compliance_panel(placements, signatories, label),
    )


def register_rows(register: Register) -> list[dict[str, Any]]:
    """The register as the API gives it: each signatory with its published figures."""
    by_name = {row[0]: row for row in register.panel.rows}
    rows = []
    for s in register.signatories:
        figures = by_name.get(s.authority.name, ())
        rows.append(
            {
                "authority": s.authority.name,
                "gss_code": s.authority.gss_code,
                "in_kent": s.authority.in_kent,
                "signed_on": s.signed_on,
                "commitments": s.commitments,
                **{c.key: v for c, v in zip(REGISTER_COLUMNS[2:], figures[2:], strict=False)},
            }
        )
    return rows

"""The Margate Agreement: how each signatory placed into the wards before and after it signed, whether its
notices came on time, and signatories against the authorities that did not sign. Pure and descriptive: an
authority that signs may already have been placing less, so before and after is not an effect."""

import pandas as pd

from .errors import AnalysisError

JUDGED = ("on time", "late", "missing")


def _require(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise AnalysisError(f"The {what} frame has no column {', '.join(missing)}.")


def signatory_placements(
    placements: pd.DataFrame, signatories: pd.DataFrame, *, first_day: pd.Timestamp, today: pd.Timestamp
) -> pd.DataFrame:
    """One row per signatory: placements before and after signing, each side's years of record, and
    each side's notices judged and on time (`status` as `notification_status` gives it)."""
    _require(placements, ("authority", "placed_on", "status"), "placements")
    _require(signatories, ("authority", "signed_on"), "signatories")
    placed_on = pd.to_datetime(placements["placed_on"])
    records = []
    for authority, signed_on in zip(
        signatories["authority"], pd.to_datetime(signatories["signed_on"]), strict=True
    ):
        mine = placements["authority"] == authority
        before = mine & (placed_on < signed_on)
        after = mine & (placed_on >= signed_on)
        row = {
            "authority": authority,
            "signed_on": signed_on.date().isoformat(),
            "before": int(before.sum()),
            "after": int(after.sum()),
            "years_before": max((signed_on - first_day).days, 0) / 365.25,
            "years_after": max((today - signed_on).days, 0) / 365.25,
        }
        for side, rows in (("before", before), ("after", after)):
            status = placements.loc[rows, "status"]
            row[f"judged_{side}"] = int(status.isin(JUDGED).sum())
            row[f"on_time_{side}"] = int((status == "on time").sum())
        records.append(row)
    table = pd.DataFrame(records)
    if table.empty:
        return table
    table["per_year_before"] = table["before"] / table["years_before"].where(table["years_before"] > 0)
    table["per_year_after"] = table["after"] / table["years_after"].where(table["years_after"] > 0)
    for side in ("before", "after"):
        judged = table[f"judged_{side}"]
        table[f"on_time_rate_{side}"] = 100 * table[f"on_time_{side}"] / judged.where(judged > 0)
    return table


def compliance_by_signing(placements: pd.DataFrame, signatories: pd.DataFrame) -> pd.DataFrame:
    """Notification outcomes in three groups: placements by signatories after they signed, by signatories
    before they signed, and by authorities that never signed. Rows are groups; columns the outcomes."""
    _require(placements, ("authority", "placed_on", "status"), "placements")
    signed = dict(zip(signatories["authority"], pd.to_datetime(signatories["signed_on"]), strict=True))
    placed_on = pd.to_datetime(placements["placed_on"])
    signed_on = pd.to_datetime(placements["authority"].map(signed))
    group = pd.Series("Non-signatories", index=placements.index)
    group[signed_on.notna() & (placed_on < signed_on)] = "Signatories, before signing"
    group[signed_on.notna() & (placed_on >= signed_on)] = "Signatories, after signing"
    table = (
        pd.crosstab(group, placements["status"])
        .reindex(
            index=["Signatories, after signing", "Signatories, before signing", "Non-signatories"],
            columns=list(JUDGED),
            fill_value=0,
        )
        .fillna(0)
        .astype(int)
    )
    table.columns = [c.replace(" ", "_") for c in table.columns]
    table["judged"] = table.sum(axis=1)
    table["on_time_rate"] = 100 * table["on_time"] / table["judged"].where(table["judged"] > 0)
    table.index.name = "group"
    return table

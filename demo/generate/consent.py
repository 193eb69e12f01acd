"""Referrals that keep to each case's data-sharing basis, as the referral service requires: a referral goes
only to an agency the household's basis covers on the day it is sent.

The referrals are drawn before the bases (the random draws keep their order, so every table after them is
unchanged); this step then moves each referral inside its basis without drawing anything."""

from datetime import date

import pandas as pd

# The agencies a basis covers when it does not cover every partner (demo/load.py writes the same three).
CORE = ("kcc", "tdc", "jcp")


def _before(day: date, limit: object) -> bool:
    return limit is None or pd.isna(limit) or day < limit  # type: ignore[operator]


def referrals_within_basis(referrals: pd.DataFrame, sharing: pd.DataFrame) -> pd.DataFrame:
    """Each referral to an agency outside its household's basis goes to a core agency instead; one sent
    before the basis started is sent on its first day (its answer no earlier); one sent after the basis
    expired or was withdrawn is left out."""
    basis = sharing.set_index("household")
    rows = []
    for row in referrals.to_dict("records"):
        held = basis.loc[row["household"]]
        if not held["all_partners"] and row["to"] not in CORE:
            row["to"] = next(code for code in CORE if code != row["from"])
        if row["sent_on"] < held["starts_on"]:
            row["sent_on"] = held["starts_on"]
            if row["responded_on"] is not None and row["responded_on"] < row["sent_on"]:
                row["responded_on"] = row["sent_on"]
        if _before(row["sent_on"], held["expires_on"]) and _before(row["sent_on"], held["withdrawn_on"]):
            rows.append(row)
    return pd.DataFrame(rows, columns=referrals.columns)

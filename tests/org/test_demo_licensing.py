"""The demo's present-day licensing tables (pure): dated from the day of loading, designations within five
years, and every kind of licence the work queue and the register need."""

from datetime import date

import pandas as pd

from demo.generate.licensing import designation_table, licence_table, recent_enforcement

TODAY = date(2026, 12, 7)
PROPERTIES = pd.DataFrame(
    {
        "uprn": range(900_000_000_000, 900_000_000_400),
        "tenure": ["private"] * 400,
        "ward": [0, 1] * 200,
        "is_hmo": [True, False, False, False] * 100,
        "landlord": ["Demo Lettings 1 Ltd"] * 400,
    }
)


def test_designations_cover_both_wards_and_cliftonville_west_for_under_five_years() -> None:
    table = designation_table(TODAY)
    assert table["scheme"].tolist() == ["additional", "selective"]
    assert table["wards"].tolist() == [["E05005088", "E05005093"], ["E05005088"]]
    assert (table["starts_on"] <= TODAY).all()
    assert (table["ends_on"] > TODAY).all()
    assert all(
        end < start.replace(year=start.year + 5)
        for start, end in zip(table["starts_on"], table["ends_on"], strict=True)
    )


def test_licences_include_every_kind_and_are_the_same_for_a_seed() -> None:
    table = licence_table(PROPERTIES, today=TODAY, seed=2010)
    assert table.equals(licence_table(PROPERTIES, today=TODAY, seed=2010))
    granted = table[table["decision"] == "granted"]
    in_force = granted[
        (granted["starts_on"] <= TODAY) & (granted["expires_on"] >= TODAY) & granted["revoked_on"].isna()
    ]
    assert len(in_force[in_force["expires_on"] <= date(2027, 3, 7)]) > 0  # expiring within 90 days
    assert granted["revoked_on"].notna().any()
    assert (granted["expires_on"] < TODAY).any()
    assert set(table["decision"]) == {"granted", "pending", "refused"}
    assert len(table) < len(PROPERTIES[PROPERTIES["is_hmo"] | (PROPERTIES["ward"] == 0)])  # some unlicensed
    notices = recent_enforcement(PROPERTIES, today=TODAY, seed=2010)
    assert (notices["comply_by"] < TODAY).all()
    assert set(notices["status"]) == {"served", "appealed"}

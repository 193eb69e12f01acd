"""A few planted duplicate people, plainly synthetic, for the review queue and the on-entry check to find:
a person who left one household is recorded again in another open household of the same ward, under the
same date of birth and no National Insurance number, with the name as it was, or with two letters of the
family or given name swapped (a typing slip). Nothing is drawn: the plants follow from the tables."""

import pandas as pd

N_PLANTED = 6


def _swap(name: str) -> str:
    """The second and third letters swapped, as a slip of the keyboard: 'Parker' -> 'Praker'."""
    return name[0] + name[2] + name[1] + name[3:] if len(name) > 3 and name[1] != name[2] else name + "e"


def plant_duplicates(people: pd.DataFrame, households: pd.DataFrame) -> pd.DataFrame:
    """`people` with N_PLANTED rows added at the end (existing rows keep their numbers)."""
    open_households = households[households["status"] == "open"]
    adults = people[people["relationship"].isin(["head", "partner"]) & people["left_on"].notna()]
    planted: list[dict[str, object]] = []
    for _, row in adults.iterrows():
        if len(planted) == N_PLANTED:
            break
        here = households.loc[row["household"]]
        targets = open_households[
            (open_households["ward"] == here["ward"])
            & (open_households["opened_on"] <= row["left_on"])
            & (open_households.index != row["household"])
        ]
        if targets.empty:
            continue
        target = int(targets.index[0])
        variant = len(planted) % 3
        planted.append(
            {
                **row.to_dict(),
                "household": target,
                "relationship": "other",
                "joined_on": max(row["left_on"], households.loc[target, "opened_on"]),
                "left_on": None,
                "nino": None,
                "family_name": _swap(row["family_name"]) if variant == 1 else row["family_name"],
                "given_name": _swap(row["given_name"]) if variant == 2 else row["given_name"],
            }
        )
    return pd.concat([people, pd.DataFrame(planted, columns=people.columns)], ignore_index=True)

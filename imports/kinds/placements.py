"""Placements into the wards, including s208 notifications: one row per placement."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import User

from households import services as household_services
from households.models import Household, Placement, PlacementType, PlacingAuthority, Property

from ..core import Problem, RowCheck, duplicates, parse_optional_date
from ..fields import check_model, choice, required_date
from .shared import (
    Counts,
    Kind,
    Outcome,
    addressable,
    find_household,
    households_for,
    parse_uprn,
    upsert,
    write_rows,
)


@dataclass
class PlacementRow:
    line: int
    key: tuple[int, int, date]
    values: dict[str, Any]


def authorities_by_code_or_name() -> dict[str, PlacingAuthority]:
    """The register's local authorities by GSS code and by name, case-folded: only those with a code."""
    found: dict[str, PlacingAuthority] = {}
    for a in PlacingAuthority.objects.exclude(gss_code=""):
        found[a.gss_code.casefold()] = a
        found[a.name.casefold()] = a
    return found


class PlacementsImport(Kind):
    """One row per placement. An s208 notice is a placement row with the date the notice arrived."""

    name = "placements"
    columns = (
        "case_reference",
        "placing_authority",
        "type",
        "legal_basis",
        "placed_on",
        "ended_on",
        "notification_received_on",
        "uprn",
    )

    def __init__(self, *, user: User | None = None) -> None:
        super().__init__(user=user)
        self.households = households_for(user)
        self.authorities = authorities_by_code_or_name()
        self.types: dict[str, PlacementType] = {}
        for t in PlacementType.objects.all():
            self.types[t.code.casefold()] = t
            self.types[t.name.casefold()] = t
        self.properties = dict(
            addressable(Property.objects.exclude(uprn=None), user).values_list("uprn", "pk")
        )

    def parse(self, row: dict[str, str], line: int) -> PlacementRow:
        check = RowCheck()
        household = check.cell(find_household, self.households, row["case_reference"])
        authority = self.authorities.get(row["placing_authority"].casefold())
        if authority is None:
            check.fail(
                "placing_authority",
                "unknown placing authority: expected a local authority's GSS code or name"
                if row["placing_authority"]
                else "required",
                row["placing_authority"],
            )
        placement_type = self.types.get(row["type"].casefold())
        if placement_type is None:
            check.fail(
                "type",
                f"expected one of {', '.join(sorted(t.code for t in set(self.types.values())))}",
                row["type"],
            )
        accommodation_id = None
        if row["uprn"]:
            uprn = check.cell(parse_uprn, row["uprn"])
            accommodation_id = self.properties.get(uprn) if uprn is not None else None
            if uprn is not None and accommodation_id is None:
                check.fail(
                    "uprn",
                    "no property (that you may see) has this UPRN: import it as properties first",
                    row["uprn"],
                )
        values: dict[str, Any] = {
            "placing_authority": authority,
            "type": placement_type,
            "legal_basis": check.cell(choice, row["legal_basis"], Placement.LegalBasis, "legal_basis"),
            "placed_on": check.cell(required_date, row, "placed_on"),
            "ended_on": check.cell(parse_optional_date, row["ended_on"], "ended_on"),
            "notification_received_on": check.cell(
                parse_optional_date, row["notification_received_on"], "notification_received_on"
            ),
            "accommodation_id": accommodation_id,
        }
        if values["ended_on"] and values["placed_on"] and values["ended_on"] < values["placed_on"]:
            check.fail("ended_on", "a placement cannot end before it started", row["ended_on"])
        check.cell(
            check_model,
            Placement(household=household, **values),
            row=row,
            exclude=["household", "placing_authority", "type", "accommodation", *check.failed],
        )
        check.done()
        assert authority is not None  # noqa: S101  # check.done() raised otherwise
        return PlacementRow(line, (household.pk, authority.pk, values["placed_on"]), values)

    def check_together(self, parsed: list[tuple[int, PlacementRow]]) -> list[Problem]:
        return duplicates(parsed, lambda r: r.key, "placed_on")

    def write(self, rows: list[PlacementRow]) -> Counts:
        existing = {
            (p.household_id, p.placing_authority_id, p.placed_on): p
            for p in Placement.objects.filter(household__in={r.key[0] for r in rows})
        }
        households = Household.objects.in_bulk({r.key[0] for r in rows})
        homes = Property.objects.in_bulk({r.values["accommodation_id"] for r in rows} - {None})

        def write_row(r: PlacementRow) -> Outcome:
            # The placement as the services take it: the household and the accommodation as records.
            values = {k: v for k, v in r.values.items() if k != "accommodation_id"}
            values["accommodation"] = homes.get(r.values["accommodation_id"])
            return upsert(
                existing.get(r.key),
                values,
                create=lambda: household_services.placement_record(household=households[r.key[0]], **values),
                update=lambda current, changes: household_services.placement_update(
                    placement=current, **changes
                ),
            )[1]

        return write_rows(rows, write_row, column="placed_on")

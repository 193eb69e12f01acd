"""Properties by UPRN: `uprn,address_line_1,...,landlord`."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User

from households import services as household_services
from households.models import Property

from ..core import Problem, RowCheck, duplicates
from ..fields import check_model, choice, yes_no
from .shared import Counts, Kind, Outcome, find_ward, parse_uprn, upsert, visible, wards_for, write_rows


@dataclass
class PropertyRow:
    line: int
    uprn: int
    values: dict[str, Any]


class PropertiesImport(Kind):
    name = "properties"
    columns = (
        "uprn",
        "address_line_1",
        "address_line_2",
        "town",
        "postcode",
        "ward",
        "tenure",
        "is_hmo",
        "landlord",
    )

    def __init__(self, *, user: User | None = None) -> None:
        super().__init__(user=user)
        self.wards = wards_for(user)
        everywhere = set(Property.objects.exclude(uprn=None).values_list("uprn", flat=True))
        self.taken = everywhere - set(
            visible(Property.objects.exclude(uprn=None), user).values_list("uprn", flat=True)
        )

    def parse(self, row: dict[str, str], line: int) -> PropertyRow:
        check = RowCheck()
        uprn = check.cell(parse_uprn, row["uprn"])
        if uprn in self.taken:
            check.fail("uprn", "already used by a property outside your wards", row["uprn"])
        values = {
            "address_line_1": row["address_line_1"],
            "address_line_2": row["address_line_2"],
            "town": row["town"] or "Margate",
            "postcode": row["postcode"],
            "area": check.cell(find_ward, self.wards, row["ward"]),
            "tenure": check.cell(choice, row["tenure"], Property.Tenure, "tenure"),
            "is_hmo": check.cell(yes_no, row["is_hmo"], "is_hmo", otherwise=False),
            "landlord": row["landlord"],
        }
        instance = Property(uprn=uprn, **values)
        check.cell(
            check_model, instance, row=row, columns={"area": "ward"}, exclude=["area", "uprn", *check.failed]
        )
        check.done()
        values["postcode"] = instance.postcode  # normalised by clean()
        return PropertyRow(line, uprn, values)

    def check_together(self, parsed: list[tuple[int, PropertyRow]]) -> list[Problem]:
        return duplicates(parsed, lambda r: r.uprn, "uprn")

    def write(self, rows: list[PropertyRow]) -> Counts:
        existing = {p.uprn: p for p in Property.objects.filter(uprn__in=[r.uprn for r in rows])}

        def write_row(r: PropertyRow) -> Outcome:
            return upsert(
                existing.get(r.uprn),
                r.values,
                create=lambda: household_services.property_register(uprn=r.uprn, **r.values),
                update=lambda current, changes: household_services.property_update(
                    property=current, **changes
                ),
            )[1]

        return write_rows(rows, write_row, column="uprn")

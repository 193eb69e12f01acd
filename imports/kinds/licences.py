"""HMO and other property licences by number: `number,uprn,scheme,...,decision,revoked_on`. The status
is derived from the decision and the dates; a file of the older layout, with a `status` column instead, is
refused by the column check."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User

from households import services as household_services
from households.models import Licence, Property

from ..core import Problem, RowCheck, RowError, duplicates, parse_optional_date
from ..fields import check_model, choice, required, required_date, whole_number
from .shared import Counts, Kind, Outcome, find_property, properties_for, upsert, write_rows


@dataclass
class LicenceRow:
    line: int
    number: str
    property: Property
    values: dict[str, Any]


class LicencesImport(Kind):
    name = "licences"
    columns = (
        "number",
        "uprn",
        "scheme",
        "holder",
        "manager",
        "starts_on",
        "expires_on",
        "max_occupiers",
        "max_households",
        "conditions",
        "decision",
        "revoked_on",
    )

    def __init__(self, *, user: User | None = None) -> None:
        super().__init__(user=user)
        self.properties = properties_for(user)

    def parse(self, row: dict[str, str], line: int) -> LicenceRow:
        check = RowCheck()
        number = check.cell(required, row, "number")
        prop = check.cell(find_property, self.properties, row["uprn"])
        values: dict[str, Any] = {
            "scheme": check.cell(choice, row["scheme"], Licence.Scheme, "scheme"),
            "holder": row["holder"],
            "manager": row["manager"],
            "starts_on": check.cell(required_date, row, "starts_on"),
            "expires_on": check.cell(required_date, row, "expires_on"),
            "max_occupiers": check.cell(whole_number, row["max_occupiers"], "max_occupiers"),
            "max_households": check.cell(whole_number, row["max_households"], "max_households"),
            "conditions": row["conditions"],
            "decision": check.cell(
                choice, row["decision"], Licence.Decision, "decision", default=Licence.Decision.GRANTED
            ),
            "revoked_on": check.cell(parse_optional_date, row["revoked_on"], "revoked_on"),
        }
        households, occupiers = values["max_households"], values["max_occupiers"]
        if households is not None and occupiers is not None and households > occupiers:
            check.fail("max_households", "cannot exceed max_occupiers", row["max_households"])
        check.cell(
            check_model,
            Licence(number=number, property=prop, **values),
            row=row,
            exclude=["property", *check.failed],
        )
        check.done()
        return LicenceRow(line, number, prop, values)

    def check_together(self, parsed: list[tuple[int, LicenceRow]]) -> list[Problem]:
        return duplicates(parsed, lambda r: r.number, "number")

    def write(self, rows: list[LicenceRow]) -> Counts:
        existing = {lic.number: lic for lic in Licence.objects.filter(number__in=[r.number for r in rows])}

        def write_row(r: LicenceRow) -> Outcome:
            recorded = existing.get(r.number)
            if recorded is not None and recorded.property_id != r.property.pk:
                raise RowError(
                    "uprn",
                    f"licence {r.number} is for another property",
                    str(r.property.uprn),
                    line=r.line,
                )
            return upsert(
                recorded,
                r.values,
                create=lambda: household_services.licence_record(
                    number=r.number, property=r.property, **r.values
                ),
                update=lambda current, changes: household_services.licence_update(licence=current, **changes),
            )[1]

        return write_rows(rows, write_row, column="number")

"""Inspections and the HHSRS hazards they found: one row per hazard found, `uprn,inspected_on,...`."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import User

from households import services as household_services
from households.models import Hazard, HazardFinding, Inspection, Property

from ..core import Problem, RowCheck, duplicates, parse_optional_date
from ..fields import check_model, choice, required_date, whole_number
from .shared import Counts, Kind, Outcome, find_property, properties_for, upsert, write_rows


@dataclass
class FindingRow:
    line: int
    property: Property
    inspected_on: date
    reason: str
    hazard: Hazard | None
    values: dict[str, Any]


class InspectionsImport(Kind):
    """One row per hazard found; an inspection that found none is one row with the hazard left blank."""

    name = "inspections"
    columns = ("uprn", "inspected_on", "reason", "hazard", "score", "status", "remedied_on")

    def __init__(self, *, user: User | None = None) -> None:
        super().__init__(user=user)
        self.properties = properties_for(user)
        self.hazards: dict[str, Hazard] = {}
        for h in Hazard.objects.all():
            self.hazards[str(h.number)] = h
            self.hazards[h.name.casefold()] = h

    def parse(self, row: dict[str, str], line: int) -> FindingRow:
        check = RowCheck()
        prop = check.cell(find_property, self.properties, row["uprn"])
        inspected_on = check.cell(required_date, row, "inspected_on")
        reason = check.cell(choice, row["reason"], Inspection.Reason, "reason")
        if not row["hazard"]:
            for column in ("score", "status", "remedied_on"):
                if row[column]:
                    check.fail(column, "give the hazard this belongs to, or leave it blank", row[column])
            check.done()
            return FindingRow(line, prop, inspected_on, reason, None, {})
        hazard = self.hazards.get(row["hazard"].casefold())
        if hazard is None:
            check.fail("hazard", "expected an HHSRS hazard number (1-29) or name", row["hazard"])
        values: dict[str, Any] = {
            "score": check.cell(whole_number, row["score"], "score"),
            "status": check.cell(
                choice, row["status"], HazardFinding.Status, "status", default=HazardFinding.Status.OPEN
            ),
            "remedied_on": check.cell(parse_optional_date, row["remedied_on"], "remedied_on"),
        }
        if values["remedied_on"] and inspected_on and values["remedied_on"] < inspected_on:
            check.fail(
                "remedied_on",
                "A hazard cannot be remedied before the inspection that found it.",
                row["remedied_on"],
            )
        check.cell(
            check_model,
            HazardFinding(hazard=hazard, **values),
            row=row,
            exclude=["inspection", "hazard", *check.failed],
        )
        check.done()
        return FindingRow(line, prop, inspected_on, reason, hazard, values)

    def check_together(self, parsed: list[tuple[int, FindingRow]]) -> list[Problem]:
        problems = duplicates(
            parsed, lambda r: (r.property.pk, r.inspected_on, r.hazard.pk if r.hazard else None), "hazard"
        )
        reasons: dict[tuple[int, date], tuple[int, str]] = {}
        for line, r in parsed:
            first_line, reason = reasons.setdefault((r.property.pk, r.inspected_on), (line, r.reason))
            if reason != r.reason:
                problems.append(
                    Problem(
                        line, "reason", r.reason, f"differs from row {first_line} for the same inspection"
                    )
                )
        return problems

    def write(self, rows: list[FindingRow]) -> Counts:
        """A row with a hazard counts as created when its finding is new, and as updated when its finding
        or its inspection changed; a row without one counts as created when its inspection is new or its
        reason changed."""
        inspections: dict[tuple[int, date], Inspection] = {
            (i.property_id, i.inspected_on): i
            for i in Inspection.objects.filter(property__in={r.property.pk for r in rows})
        }
        findings = {
            (f.inspection_id, f.hazard_id): f
            for f in HazardFinding.objects.filter(inspection__in=[i.pk for i in inspections.values()])
        }

        def write_row(r: FindingRow) -> Outcome:
            inspection, inspection_outcome = upsert(
                inspections.get((r.property.pk, r.inspected_on)),
                {"reason": r.reason},
                create=lambda: household_services.inspection_record(
                    property=r.property, inspected_on=r.inspected_on, reason=r.reason
                ),
                update=lambda inspection, changes: household_services.inspection_update(
                    inspection=inspection, **changes
                ),
            )
            inspections[(r.property.pk, r.inspected_on)] = inspection
            changed = inspection_outcome is not Outcome.UNCHANGED
            if r.hazard is None:
                return Outcome.CREATED if changed else Outcome.UNCHANGED
            hazard = r.hazard
            _, outcome = upsert(
                findings.get((inspection.pk, hazard.pk)),
                r.values,
                create=lambda: household_services.hazard_finding_record(
                    inspection=inspection, hazard=hazard, **r.values
                ),
                update=lambda finding, changes: household_services.hazard_finding_update(
                    hazard_finding=finding, **changes
                ),
            )
            if outcome is Outcome.UNCHANGED and changed:
                return Outcome.UPDATED
            return outcome

        return write_rows(rows, write_row, column="hazard")

"""Interventions: `case_reference,nino,agency,service,referred_on,...,cost`, one row per episode of work."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User

from households.models import Household, Person
from interventions import services as intervention_services
from interventions.models import Intervention, Service

from ..core import Problem, RowCheck, duplicates, parse_optional_date
from ..fields import check_model, choice, money, nino_of, required_date
from .shared import Counts, Kind, Outcome, find_household, households_for, upsert, visible, write_rows


@dataclass
class InterventionRow:
    line: int
    household: Household
    service: Service
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[int, int, date]:
        return (self.household.pk, self.service.pk, self.values["referred_on"])


class InterventionsImport(Kind):
    name = "interventions"
    columns = (
        "case_reference",
        "nino",
        "agency",
        "service",
        "referred_on",
        "started_on",
        "ended_on",
        "status",
        "outcome",
        "cost",
    )

    def __init__(self, *, user: User | None = None) -> None:
        super().__init__(user=user)
        self.households = households_for(user)
        self.services = {
            (s.agency.code, s.name.casefold()): s for s in Service.objects.select_related("agency")
        }
        self.people = {p.nino: p for p in visible(Person.objects.exclude(nino=None), user)}

    def parse(self, row: dict[str, str], line: int) -> InterventionRow:
        check = RowCheck()
        household = check.cell(find_household, self.households, row["case_reference"])
        service = self.services.get((row["agency"].lower(), row["service"].casefold()))
        if service is None:
            check.fail(
                "service",
                f"no service of this name at agency {row['agency'] or '(blank)'}: expected one in the service catalogue",
                row["service"],
            )
        person = None
        if row["nino"]:
            nino = check.cell(nino_of, row["nino"], "nino")
            person = self.people.get(nino) if nino else None
            if nino and person is None:
                check.fail(
                    "nino", "no person (that you may see) has this National Insurance number", row["nino"]
                )
        values = {
            "person": person,
            "referred_on": check.cell(required_date, row, "referred_on"),
            "started_on": check.cell(parse_optional_date, row["started_on"], "started_on"),
            "ended_on": check.cell(parse_optional_date, row["ended_on"], "ended_on"),
            "status": check.cell(
                choice, row["status"], Intervention.Status, "status", default=Intervention.Status.REFERRED
            ),
            "outcome": check.cell(choice, row["outcome"], Intervention.Outcome, "outcome", otherwise="")
            if row["outcome"]
            else "",
            "cost": check.cell(money, row["cost"], "cost", blank=Decimal(0)),
        }
        check.cell(
            check_model,
            Intervention(household=household, service=service, **values),
            row=row,
            exclude=["household", "service", "worker", "person", *check.failed],
        )
        check.done()
        assert service is not None  # noqa: S101  # check.done() raised otherwise
        return InterventionRow(line, household, service, values)

    def check_together(self, parsed: list[tuple[int, InterventionRow]]) -> list[Problem]:
        return duplicates(parsed, lambda r: r.key, "referred_on")

    def write(self, rows: list[InterventionRow]) -> Counts:
        existing = {
            (i.household_id, i.service_id, i.referred_on): i
            for i in Intervention.objects.filter(household__in={r.household.pk for r in rows})
        }

        def write_row(r: InterventionRow) -> Outcome:
            return upsert(
                existing.get(r.key),
                r.values,
                create=lambda: intervention_services.intervention_record(
                    household=r.household, service=r.service, **r.values
                ),
                update=lambda current, changes: intervention_services.intervention_update(
                    intervention=current, **changes
                ),
            )[1]

        return write_rows(rows, write_row, column="referred_on")

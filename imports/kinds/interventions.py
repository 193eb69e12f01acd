"""Interventions: `case_reference,nino,agency,service,referred_on,...,cost`, one row per episode of work."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User

from households.models import Household, Person
from interventions import services as intervention_services
from interventions.models import Intervention, Service
from taskforce.org.validators import normalise_nino

from ..core import Problem, RowError, duplicates, parse_date, parse_optional_date
from ..fields import check_model, choice, money, required
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
        household = find_household(self.households, required(row, "case_reference"))
        service = self.services.get((row["agency"].lower(), row["service"].casefold()))
        if service is None:
            raise RowError(
                "service",
                f"no service of this name at agency {row['agency'] or '(blank)'}: expected one in the service catalogue",
                row["service"],
            )
        person = None
        if row["nino"]:
            person = self.people.get(normalise_nino(row["nino"]))
            if person is None:
                raise RowError("nino", "no person has this National Insurance number", row["nino"])
        values = {
            "person": person,
            "referred_on": parse_date(required(row, "referred_on"), "referred_on"),
            "started_on": parse_optional_date(row["started_on"], "started_on"),
            "ended_on": parse_optional_date(row["ended_on"], "ended_on"),
            "status": choice(
                row["status"], Intervention.Status, "status", default=Intervention.Status.REFERRED
            ),
            "outcome": choice(row["outcome"], Intervention.Outcome, "outcome") if row["outcome"] else "",
            "cost": money(row["cost"], "cost", blank=Decimal(0)),
        }
        check_model(
            Intervention(household=household, service=service, **values),
            row=row,
            exclude=["household", "service", "worker", "person"],
        )
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

"""Households and their members, one row per person: `case_reference,ward,...,relationship,joined_on`."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import User

from households import services as household_services
from households.duplicates import likely_matches
from households.models import DataSharingBasis, Household, Membership, Person
from taskforce.org.models import Agency

from ..core import Problem, RowCheck, RowError, duplicates, parse_optional_date
from ..fields import check_model, choice, nino_of, required_date
from .shared import Counts, Kind, Outcome, find_ward, upsert, visible, wards_for, write_rows


@dataclass
class MemberRow:
    line: int
    case_reference: str
    household: dict[str, Any]
    basis: str
    agencies: list[Agency]
    person: dict[str, Any]
    relationship: str
    joined_on: date


class HouseholdsImport(Kind):
    name = "households"
    columns = (
        "case_reference",
        "ward",
        "opened_on",
        "closed_on",
        "basis",
        "agencies",
        "given_name",
        "family_name",
        "date_of_birth",
        "nino",
        "sex",
        "relationship",
        "joined_on",
    )

    def __init__(self, *, user: User | None = None) -> None:
        super().__init__(user=user)
        self.wards = wards_for(user)
        self.agencies = {a.code: a for a in Agency.objects.all()}
        self.existing = set(visible(Household.objects.all(), user).values_list("case_reference", flat=True))
        self.taken = set(Household.objects.values_list("case_reference", flat=True)) - self.existing
        self.ninos = set(Person.objects.exclude(nino=None).values_list("nino", flat=True))
        self.visible_ninos = set(
            visible(Person.objects.exclude(nino=None), user).values_list("nino", flat=True)
        )

    def parse(self, row: dict[str, str], line: int) -> MemberRow:
        check = RowCheck()
        ward = check.cell(find_ward, self.wards, row["ward"])
        opened_on = check.cell(required_date, row, "opened_on")
        closed_on = check.cell(parse_optional_date, row["closed_on"], "closed_on")
        status = Household.Status.CLOSED if closed_on else Household.Status.OPEN
        household = Household(
            case_reference=row["case_reference"].upper(),
            ward=ward,
            opened_on=opened_on,
            closed_on=closed_on,
            status=status,
        )
        if household.case_reference in self.taken:
            check.fail(
                "case_reference", "already used by a household outside your scope", row["case_reference"]
            )
        basis, agencies = "", []
        if household.case_reference not in self.existing:
            basis = check.cell(choice, row["basis"], DataSharingBasis.LawfulBasis, "basis", otherwise="")
            agencies = check.cell(self._agencies, row["agencies"], otherwise=[])
        nino = check.cell(nino_of, row["nino"]) if row["nino"] else None
        if nino in self.ninos and nino not in self.visible_ninos:
            check.fail("nino", "belongs to a person outside your scope", row["nino"])
        person = Person(
            given_name=row["given_name"],
            family_name=row["family_name"],
            date_of_birth=check.cell(required_date, row, "date_of_birth"),
            nino=nino,
            sex=row["sex"].upper()[:1] if row["sex"] else "",
        )
        relationship = check.cell(choice, row["relationship"], Membership.Relationship, "relationship")
        joined_on = check.cell(parse_optional_date, row["joined_on"], "joined_on") or opened_on
        for instance, exclude in ((household, ["ward", "key_worker"]), (person, [])):
            check.cell(check_model, instance, row=row, exclude=[*exclude, *check.failed])
        check.done()
        if not (nino and nino in self.ninos):
            self._refuse_likely_duplicate(person, household.case_reference, row)
        return MemberRow(
            line=line,
            case_reference=household.case_reference,
            household={"ward": ward, "opened_on": opened_on, "closed_on": closed_on, "status": status},
            basis=basis,
            agencies=agencies,
            person={
                "given_name": person.given_name,
                "family_name": person.family_name,
                "date_of_birth": person.date_of_birth,
                "nino": person.nino,
                "sex": person.sex,
            },
            relationship=relationship,
            joined_on=joined_on,
        )

    def _refuse_likely_duplicate(self, person: Person, case_reference: str, row: dict[str, str]) -> None:
        """A new person who likely matches someone already recorded (and visible to the importer) is a row
        error naming the match: an import cannot show the matches and ask, so such a person is added on the
        web or through the API, where the user links the records or confirms a different person. The same
        person already in this household (a file imported again) is not a duplicate."""
        matches = [
            m
            for m in likely_matches(
                user=self.user,
                people=visible(Person.objects.all(), self.user),
                given_name=person.given_name,
                family_name=person.family_name,
                date_of_birth=person.date_of_birth,
            )
            if not (
                m.person.given_name.casefold() == person.given_name.casefold()
                and m.person.family_name.casefold() == person.family_name.casefold()
                and m.person.date_of_birth == person.date_of_birth
                and m.person.memberships.filter(household__case_reference=case_reference).exists()
            )
        ]
        if matches:
            match = matches[0]
            raise RowError(
                "given_name",
                f"likely the same person as {match.person} born {match.person.date_of_birth:%-d %B %Y} "
                f"(person {match.person.pk}: {', '.join(match.reasons)}). Add this person on the web or "
                "through the API, where the records can be linked or confirmed as different people",
                row["given_name"],
            )

    def _agencies(self, text: str) -> list[Agency]:
        codes = text.replace(";", " ").replace(",", " ").lower().split()
        if not codes:
            raise RowError(
                "agencies", "required for a new household: the codes of the agencies its basis covers"
            )
        unknown = [c for c in codes if c not in self.agencies]
        if unknown:
            raise RowError("agencies", f"unknown agency code(s): {', '.join(unknown)}", text)
        return [self.agencies[c] for c in codes]

    @staticmethod
    def _person_key(r: MemberRow) -> tuple[Any, ...]:
        p = r.person
        if p["nino"]:
            return (p["nino"],)
        return (r.case_reference, p["given_name"].casefold(), p["family_name"].casefold(), p["date_of_birth"])

    def check_together(self, parsed: list[tuple[int, MemberRow]]) -> list[Problem]:
        problems = duplicates(parsed, lambda r: (r.case_reference, *self._person_key(r)), "nino")
        first: dict[str, MemberRow] = {}
        for line, r in parsed:
            seen = first.setdefault(r.case_reference, r)
            for column, key in (("ward", "ward"), ("opened_on", "opened_on"), ("closed_on", "closed_on")):
                if seen.household[key] != r.household[key]:
                    problems.append(
                        Problem(
                            line,
                            column,
                            str(r.household[key] or ""),
                            f"differs from row {seen.line} for the same household {r.case_reference}",
                        )
                    )
        return problems

    def write(self, rows: list[MemberRow]) -> Counts:
        """A row counts as created when its person is new, and as updated when its household, its person
        or the person's membership of the household changed."""
        households: dict[str, Household] = {
            h.case_reference: h
            for h in Household.objects.filter(case_reference__in={r.case_reference for r in rows})
        }
        by_nino = {
            p.nino: p for p in Person.objects.filter(nino__in={r.person["nino"] for r in rows} - {None})
        }

        def write_row(r: MemberRow) -> Outcome:
            household, household_outcome = upsert(
                households.get(r.case_reference),
                r.household,
                create=lambda: self._register(r),
                # A case the file closes keeps the members its rows give it, as a new one does: closing
                # it here ends no membership and no home.
                update=lambda household, changes: household_services.household_update(
                    household=household, end_memberships_and_home=False, **changes
                ),
            )
            households[r.case_reference] = household
            person, outcome = upsert(
                self._find_person(r, household, by_nino),
                {k: v for k, v in r.person.items() if v or k == "sex"},
                create=lambda: household_services.person_create(**r.person),
                update=lambda person, changes: household_services.person_update(person=person, **changes),
            )
            if outcome is Outcome.CREATED:
                if person.nino:
                    by_nino[person.nino] = person
                household_services.membership_start(
                    household=household, person=person, relationship=r.relationship, on=r.joined_on
                )
                return Outcome.CREATED
            changed = household_outcome is not Outcome.UNCHANGED or outcome is Outcome.UPDATED
            if not household.memberships.filter(person=person, left_on__isnull=True).exists():
                household_services.membership_start(
                    household=household, person=person, relationship=r.relationship, on=r.joined_on
                )
                changed = True
            return Outcome.UPDATED if changed else Outcome.UNCHANGED

        return write_rows(rows, write_row, column="case_reference")

    def _register(self, r: MemberRow) -> Household:
        household = household_services.household_register(
            case_reference=r.case_reference,
            ward=r.household["ward"],
            opened_on=r.household["opened_on"],
            basis=r.basis,
            agencies=r.agencies,
            recorded_by=self.user,  # type: ignore[arg-type]
        )
        if r.household["closed_on"]:
            household_services.household_close(household=household, on=r.household["closed_on"])
        return household

    @staticmethod
    def _find_person(r: MemberRow, household: Household, by_nino: dict[str, Person]) -> Person | None:
        """By National Insurance number; without one, by name and date of birth within the household."""
        if r.person["nino"]:
            return by_nino.get(r.person["nino"])
        return (
            Person.objects.filter(
                memberships__household=household,
                given_name__iexact=r.person["given_name"],
                family_name__iexact=r.person["family_name"],
                date_of_birth=r.person["date_of_birth"],
            )
            .distinct()
            .first()
        )

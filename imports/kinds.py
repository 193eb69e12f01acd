"""The kinds of import: each declares its columns, parses and checks one row, and writes all its rows.

Rows are matched to existing records by natural key, so importing the same rows again changes nothing:
household by case reference; person by National Insurance number, else by name and date of birth within
the household; property by UPRN; licence by number; intervention by (household, service, referred on);
placement by (household, placing authority, placed on); inspection by (property, inspected on) and its
hazard findings by hazard. Records are written through the apps' services (validated, with history),
except benefit records, which go in bulk (see BenefitRecordsImport).
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

import numpy as np
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Model, QuerySet

from households import services as household_services
from households.models import (
    DataSharingBasis,
    Hazard,
    HazardFinding,
    Household,
    Inspection,
    Licence,
    Membership,
    Person,
    Placement,
    PlacementType,
    Property,
)
from imports.area_statistics import AreaStatisticsImport
from interventions import services as intervention_services
from interventions.models import Intervention, Service
from outcomes.models import BenefitRecord, BenefitType
from taskforce.org import scoping
from taskforce.org.bulk import insert_rows, lock_referenced, may_skip_row_triggers, without_row_triggers
from taskforce.org.models import Agency, Area
from taskforce.org.validators import normalise_nino, validate_nino, validate_uprn

from . import columnar
from .core import (
    ImportKind,
    ImportReport,
    Problem,
    Progress,
    RowError,
    RowErrors,
    duplicates,
    parse_date,
    parse_optional_date,
)
from .fields import as_row_error, check_model, choice, money, required, whole_number, yes_no

Counts = tuple[int, int, int]
M = TypeVar("M", bound=Model)


def visible(queryset: QuerySet[M], user: User | None) -> QuerySet[M]:
    """Records the importing user may see (all of them for the command line, which runs as no one)."""
    return queryset if user is None else queryset.visible_to(user)  # type: ignore[attr-defined]


def _wards(user: User | None = None) -> dict[str, Area]:
    """Wards by GSS code: for a user, the wards they work in."""
    wards = Area.objects.filter(type=Area.Type.WARD).order_by("vintage")
    if user is not None:
        profile = scoping.profile_of(user)
        wards = wards.filter(staff=profile) if profile else wards.none()
    return {a.gss_code: a for a in wards}


def _ward(wards: Mapping[str, Area], text: str, column: str = "ward") -> Area:
    if not text:
        raise RowError(column, "required: the ward's GSS code, e.g. E05005088")
    found = wards.get(text.upper())
    if found is None:
        raise RowError(
            column, "unknown area: expected the GSS code of a ward you work in, e.g. E05005088", text
        )
    return found


def _uprn(text: str, column: str = "uprn") -> int:
    if not text:
        raise RowError(column, "required")
    try:
        validate_uprn(text)
    except ValidationError as exc:
        raise RowError(column, exc.messages[0], text) from exc
    return int(text)


def _changed(instance: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if getattr(instance, k) != v}


class _Kind:
    """What every kind shares: the user it writes for, and no cross-row checks unless it adds some."""

    name = ""
    columns: Sequence[str] = ()

    def __init__(self, *, user: User | None = None) -> None:
        self.user = user

    def check_together(self, parsed: list[tuple[int, Any]]) -> list[Problem]:
        return []


# Households and people


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


class HouseholdsImport(_Kind):
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
        self.wards = _wards(user)
        self.agencies = {a.code: a for a in Agency.objects.all()}
        self.existing = set(visible(Household.objects.all(), user).values_list("case_reference", flat=True))
        self.taken = set(Household.objects.values_list("case_reference", flat=True)) - self.existing
        self.ninos = set(Person.objects.exclude(nino=None).values_list("nino", flat=True))
        self.visible_ninos = set(
            visible(Person.objects.exclude(nino=None), user).values_list("nino", flat=True)
        )

    def parse(self, row: dict[str, str], line: int) -> MemberRow:
        errors: list[RowError] = []
        try:
            ward = _ward(self.wards, row["ward"])
        except RowError as exc:
            errors.append(exc)
            ward = None
        opened_on = parse_date(required(row, "opened_on"), "opened_on")
        closed_on = parse_optional_date(row["closed_on"], "closed_on")
        status = Household.Status.CLOSED if closed_on else Household.Status.OPEN
        household = Household(
            case_reference=row["case_reference"].upper(),
            ward=ward,
            opened_on=opened_on,
            closed_on=closed_on,
            status=status,
        )
        if household.case_reference in self.taken:
            raise RowError(
                "case_reference", "already used by a household outside your scope", row["case_reference"]
            )
        basis, agencies = "", []
        if household.case_reference not in self.existing:
            basis = choice(row["basis"], DataSharingBasis.LawfulBasis, "basis")
            codes = row["agencies"].replace(";", " ").replace(",", " ").lower().split()
            if not codes:
                raise RowError(
                    "agencies", "required for a new household: the codes of the agencies its basis covers"
                )
            unknown = [c for c in codes if c not in self.agencies]
            if unknown:
                raise RowError("agencies", f"unknown agency code(s): {', '.join(unknown)}", row["agencies"])
            agencies = [self.agencies[c] for c in codes]
        nino = normalise_nino(row["nino"]) or None
        if nino in self.ninos and nino not in self.visible_ninos:
            raise RowError("nino", "belongs to a person outside your scope", row["nino"])
        person = Person(
            given_name=row["given_name"],
            family_name=row["family_name"],
            date_of_birth=parse_date(required(row, "date_of_birth"), "date_of_birth"),
            nino=nino,
            sex=row["sex"].upper()[:1] if row["sex"] else "",
        )
        for instance, exclude in ((household, ["ward", "key_worker"]), (person, [])):
            try:
                check_model(instance, row=row, exclude=exclude)
            except RowErrors as exc:
                errors.extend(exc.errors)
        if errors:
            raise RowErrors(errors)
        relationship = choice(row["relationship"], Membership.Relationship, "relationship")
        joined_on = parse_optional_date(row["joined_on"], "joined_on") or opened_on
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
        created = updated = unchanged = 0
        households: dict[str, Household] = {
            h.case_reference: h
            for h in Household.objects.filter(case_reference__in={r.case_reference for r in rows})
        }
        by_nino = {
            p.nino: p for p in Person.objects.filter(nino__in={r.person["nino"] for r in rows} - {None})
        }
        for r in rows:
            try:
                household = households.get(r.case_reference)
                changed = False
                if household is None:
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
                    households[r.case_reference] = household
                    changed = True
                elif changes := _changed(household, r.household):
                    # A case the file closes keeps the members its rows give it, as a new one does: closing
                    # it here ends no membership and no home.
                    household_services.household_update(
                        household=household, end_memberships_and_home=False, **changes
                    )
                    changed = True
                person = by_nino.get(r.person["nino"]) if r.person["nino"] else None
                if person is None and not r.person["nino"]:
                    person = (
                        Person.objects.filter(
                            memberships__household=household,
                            given_name__iexact=r.person["given_name"],
                            family_name__iexact=r.person["family_name"],
                            date_of_birth=r.person["date_of_birth"],
                        )
                        .distinct()
                        .first()
                    )
                if person is None:
                    person = household_services.person_create(**r.person)
                    if person.nino:
                        by_nino[person.nino] = person
                    created += 1
                else:
                    if changes := _changed(person, {k: v for k, v in r.person.items() if v or k == "sex"}):
                        household_services.person_update(person=person, **changes)
                        changed = True
                    if not household.memberships.filter(person=person, left_on__isnull=True).exists():
                        household_services.membership_start(
                            household=household, person=person, relationship=r.relationship, on=r.joined_on
                        )
                        changed = True
                    if changed:
                        updated += 1
                    else:
                        unchanged += 1
                    continue
                household_services.membership_start(
                    household=household, person=person, relationship=r.relationship, on=r.joined_on
                )
            except ValidationError as exc:
                raise as_row_error(exc, line=r.line, row_column="case_reference") from exc
        return created, updated, unchanged


# Benefit records: the big one (monthly extracts of hundreds of thousands of rows)


class BenefitRecordsImport(_Kind):
    """`nino,month,benefit,amount`: monthly extracts of hundreds of thousands of rows.

    On PostgreSQL the file is checked set-wise in the database (`run_in_database`, see imports/setwise.py):
    each distinct National Insurance number, month, benefit and amount is checked once, by the same
    functions as below, and the rows are written with one INSERT ... SELECT (ON CONFLICT when the months
    already hold records). Elsewhere (SQLite), and for files the set-wise path cannot read exactly, rows are
    checked one by one in Python, every distinct value once, and written in bulk: the existing records are
    read and the rows split into new and changed. No per-row history is written: the batch (who, when,
    which file) is the record of the change, as for any bulk load.
    """

    name = "benefit-records"
    columns = ("nino", "month", "benefit", "amount")

    def __init__(self, *, user: User | None = None) -> None:
        super().__init__(user=user)
        self.people: dict[str, int] = dict(
            visible(Person.objects.exclude(nino=None), user).values_list("nino", "pk")
        )
        self.benefits = {code.lower(): pk for code, pk in BenefitType.objects.values_list("code", "pk")}
        self.months: dict[str, date] = {}
        self.amounts: dict[str, str] = {}

    def parse_values(self, values: Sequence[str], line: int) -> tuple[int, date, int, str]:
        nino, month_text, benefit, amount = values
        person = self.people.get(nino)
        if person is None:
            person = self._person(nino)
        month = self.months.get(month_text)
        if month is None:
            month = self.months[month_text] = self._month(month_text)
        benefit_id = self.benefits.get(benefit) or self.benefits.get(benefit.lower())
        if benefit_id is None:
            raise RowError(
                "benefit", f"unknown benefit: expected one of {', '.join(sorted(self.benefits))}", benefit
            )
        cleaned = self.amounts.get(amount)
        if cleaned is None:
            cleaned = self.amounts[amount] = str(money(amount, "amount"))
        return person, month, benefit_id, cleaned

    def parse(self, row: dict[str, str], line: int) -> tuple[int, date, int, str]:
        return self.parse_values([row[c] for c in self.columns], line)

    def _person_id(self, text: str) -> int:
        return self.people.get(text) or self._person(text)

    def _benefit_id(self, text: str) -> int:
        benefit_id = self.benefits.get(text) or self.benefits.get(text.lower())
        if benefit_id is None:
            raise RowError(
                "benefit", f"unknown benefit: expected one of {', '.join(sorted(self.benefits))}", text
            )
        return benefit_id

    def run_in_bulk(
        self,
        data: bytes,
        *,
        report: ImportReport,
        dry_run: bool,
        progress: Progress | None,
        on_written: Callable[[ImportReport], None] | None,
        max_bytes: int,
    ) -> ImportReport:
        """Check the file column by column (imports/columnar.py) and write it in bulk. Raises
        columnar.NotColumnar, having written nothing, for a file that must go row by row."""
        checked = columnar.check(
            data,
            columns=(
                columnar.Column("nino", self._person_id),
                columnar.Column("month", self._month),
                columnar.Column("benefit", self._benefit_id),
                columnar.Column("amount", lambda text: money(text, "amount")),
            ),
            report=report,
            max_bytes=max_bytes,
            progress=progress,
        )
        if checked is None:
            return report
        people = columnar.integers(checked, 0, int)
        months = columnar.integers(checked, 1, date.toordinal)
        benefits = columnar.integers(checked, 2, int)
        report.problems.extend(
            columnar.repeats(
                checked.lines,
                (people, months, benefits),
                problem=lambda i, first: Problem(
                    int(checked.lines[i]),
                    "benefit",
                    f"{date.fromordinal(int(months[i])):%Y-%m}",
                    f"repeats row {first}: one record per person, month and benefit",
                ),
            )
        )
        if report.problems or dry_run:
            return report
        with transaction.atomic():
            if connection.vendor == "postgresql":
                pennies = columnar.integers(checked, 3, lambda amount: int(amount * 100))
                counts = _copy_benefit_records(people, months, benefits, pennies, progress=progress)
            else:
                if progress:
                    progress.advance(0, f"Writing {report.rows:,} rows")
                amounts = [None if a is None else str(a) for a in checked.stored[3]]
                rows = zip(
                    people.tolist(),
                    map(date.fromordinal, months.tolist()),
                    benefits.tolist(),
                    (amounts[c] for c in checked.codes[3].tolist()),
                    strict=True,
                )
                counts = self._write_other(list(rows))
            report.created, report.updated, report.unchanged = counts
            report.committed = True
            if on_written:
                on_written(report)
        return report

    def _person(self, text: str) -> int:
        nino = normalise_nino(text)
        if not nino:
            raise RowError("nino", "required")
        try:
            validate_nino(nino)
        except ValidationError as exc:
            raise RowError("nino", exc.messages[0], text) from exc
        person = self.people.get(nino)
        if person is None:
            raise RowError(
                "nino",
                "no person (that you may see) has this National Insurance number: import them as households first",
                text,
            )
        self.people[text] = person
        return person

    @staticmethod
    def _month(text: str) -> date:
        if len(text) == 7 and text[4] == "-":
            day = parse_date(f"{text}-01", "month")
        else:
            day = parse_date(text, "month")
        if day.day != 1:
            raise RowError("month", "A benefit record covers a calendar month: give its first day.", text)
        return day

    def check_together(self, parsed: list[tuple[int, Any]]) -> list[Problem]:
        seen: dict[tuple[int, date, int], int] = {}
        problems = []
        for line, (person, month, benefit, _amount) in parsed:
            first = seen.setdefault((person, month, benefit), line)
            if first != line:
                problems.append(
                    Problem(
                        line,
                        "benefit",
                        f"{month:%Y-%m}",
                        f"repeats row {first}: one record per person, month and benefit",
                    )
                )
        return problems

    def write(self, rows: list[tuple[int, date, int, str]]) -> Counts:
        if connection.vendor == "postgresql":
            return self._write_postgresql(rows)
        return self._write_other(rows)

    def _write_postgresql(self, rows: list[tuple[int, date, int, str]]) -> Counts:
        """Rows checked one by one (a file the column path could not read) take the column path's write."""
        people, months, benefits, amounts = zip(*rows, strict=True) if rows else ((), (), (), ())
        return _copy_benefit_records(
            np.array(people, dtype=np.int64),
            np.array([m.toordinal() for m in months], dtype=np.int64),
            np.array(benefits, dtype=np.int64),
            np.array([int(Decimal(a) * 100) for a in amounts], dtype=np.int64),
        )

    def _write_other(self, rows: list[tuple[int, date, int, str]]) -> Counts:
        months = {r[1] for r in rows}
        existing = {
            (p, m, b): (pk, amount)
            for pk, p, m, b, amount in BenefitRecord.objects.filter(month__in=months).values_list(
                "pk", "person_id", "month", "benefit_id", "amount"
            )
        }
        new, changed = [], []
        for person, month, benefit, amount in rows:
            current = existing.get((person, month, benefit))
            if current is None:
                new.append((person, month, benefit, amount))
            elif current[1] != Decimal(amount):
                changed.append((amount, current[0]))
        insert_rows(BenefitRecord, ["person_id", "month", "benefit_id", "amount"], new)
        if changed:
            table = connection.ops.quote_name(BenefitRecord._meta.db_table)
            with connection.cursor() as cursor:
                cursor.executemany(f"UPDATE {table} SET amount = %s WHERE id = %s", changed)  # noqa: S608
        return len(new), len(changed), len(rows) - len(new) - len(changed)


# PostgreSQL's binary COPY format: a signature, flags and header extension, then each row as its field count
# and each field as its length and big-endian bytes; a date is days since 1 January 2000.
COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8
COPY_ROW = np.dtype(
    [
        ("fields", ">i2"),
        ("person_size", ">i4"),
        ("person", ">i8"),
        ("month_size", ">i4"),
        ("month", ">i4"),
        ("benefit_size", ">i4"),
        ("benefit", ">i8"),
        ("pennies_size", ">i4"),
        ("pennies", ">i8"),
    ]
)
PG_EPOCH = date(2000, 1, 1).toordinal()
# Rows a statement: progress is reported after each.
WRITE_CHUNK = 50_000


def _copy_benefit_records(
    people: np.ndarray,
    months: np.ndarray,
    benefits: np.ndarray,
    pennies: np.ndarray,
    *,
    progress: Progress | None = None,
) -> Counts:
    """Write checked rows, WRITE_CHUNK at a time (progress after each): a binary COPY into a temporary
    table, then INSERT ... SELECT from it (with an UPDATE join when the months already hold records).

    The people and benefit types referred to are locked as the foreign-key triggers would lock them, so
    the per-row trigger calls can be skipped where the connection may (taskforce/bulk.py).
    """
    rows = np.empty(len(people), dtype=COPY_ROW)
    rows["fields"] = 4
    rows["person_size"] = rows["benefit_size"] = rows["pennies_size"] = 8
    rows["month_size"] = 4
    rows["person"], rows["month"], rows["benefit"], rows["pennies"] = (
        people,
        months - PG_EPOCH,
        benefits,
        pennies,
    )
    table = connection.ops.quote_name(BenefitRecord._meta.db_table)
    with connection.cursor() as cursor:
        lock_referenced(cursor, Person, np.unique(people).tolist())
        lock_referenced(cursor, BenefitType, np.unique(benefits).tolist())
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {table} WHERE month = ANY(%s))",  # noqa: S608
            [[date.fromordinal(m) for m in np.unique(months).tolist()]],
        )
        (months_recorded,) = cursor.fetchone()
        amount = "pennies / 100.0"
        same_key = "b.person_id = s.person_id AND b.month = s.month AND b.benefit_id = s.benefit_id"
        # New rows by an anti-join, changed ones by an UPDATE join: INSERT ... ON CONFLICT DO UPDATE would
        # lock, and so rewrite, every existing row it meets, changed or not. ON CONFLICT DO NOTHING only
        # guards against another import of the same rows committing meanwhile.
        insert = (
            f"INSERT INTO {table} (person_id, month, benefit_id, amount) "  # noqa: S608
            f"SELECT person_id, month, benefit_id, {amount} FROM import_benefit_record s"
        )
        statements = [insert]
        if months_recorded:
            statements = [
                "ANALYZE import_benefit_record",
                f"{insert} WHERE NOT EXISTS (SELECT 1 FROM {table} b WHERE {same_key}) ON CONFLICT DO NOTHING",  # noqa: S608
                f"UPDATE {table} b SET amount = {amount} FROM import_benefit_record s "  # noqa: S608
                f"WHERE {same_key} AND b.amount <> {amount}",
            ]
        cursor.execute("DROP TABLE IF EXISTS import_benefit_record")
        cursor.execute(
            "CREATE TEMPORARY TABLE import_benefit_record "
            "(person_id bigint, month date, benefit_id bigint, pennies bigint) ON COMMIT DROP"
        )
        if progress:
            progress.start(len(rows), f"Writing {len(rows):,} rows")

        def write() -> tuple[int, int]:
            created = updated = 0
            for start in range(0, len(rows), WRITE_CHUNK):
                chunk = rows[start : start + WRITE_CHUNK]
                cursor.execute("TRUNCATE import_benefit_record")
                with cursor.cursor.copy("COPY import_benefit_record FROM STDIN (FORMAT binary)") as copy:
                    copy.write(COPY_SIGNATURE)
                    copy.write(chunk.tobytes())
                    copy.write(b"\xff\xff")
                counts = []
                for statement in statements:
                    cursor.execute(statement)
                    counts.append(cursor.rowcount)
                created += counts[-2] if months_recorded else counts[-1]
                updated += counts[-1] if months_recorded else 0
                if progress:
                    progress.advance(len(chunk))
            return created, updated

        if may_skip_row_triggers(cursor, BenefitRecord._meta.db_table):
            created, updated = without_row_triggers(cursor, write)
        else:
            created, updated = write()
        cursor.execute("DROP TABLE import_benefit_record")
    return created, updated, len(rows) - created - updated


# Interventions


@dataclass
class InterventionRow:
    line: int
    household: Household
    service: Service
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[int, int, date]:
        return (self.household.pk, self.service.pk, self.values["referred_on"])


def _households(user: User | None) -> dict[str, Household]:
    return {h.case_reference: h for h in visible(Household.objects.all(), user)}


def _household(households: Mapping[str, Household], text: str) -> Household:
    household = households.get(text.upper())
    if household is None:
        raise RowError(
            "case_reference",
            "unknown household (or one outside your scope): import it as households first",
            text,
        )
    return household


class InterventionsImport(_Kind):
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
        self.households = _households(user)
        self.services = {
            (s.agency.code, s.name.casefold()): s for s in Service.objects.select_related("agency")
        }
        self.people = {p.nino: p for p in visible(Person.objects.exclude(nino=None), user)}

    def parse(self, row: dict[str, str], line: int) -> InterventionRow:
        household = _household(self.households, required(row, "case_reference"))
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
        created = updated = unchanged = 0
        for r in rows:
            try:
                current = existing.get(r.key)
                if current is None:
                    intervention_services.intervention_record(
                        household=r.household, service=r.service, **r.values
                    )
                    created += 1
                elif changes := _changed(current, r.values):
                    intervention_services.intervention_update(intervention=current, **changes)
                    updated += 1
                else:
                    unchanged += 1
            except ValidationError as exc:
                raise as_row_error(exc, line=r.line, row_column="referred_on") from exc
        return created, updated, unchanged


# Placements, including s208 notifications


@dataclass
class PlacementRow:
    line: int
    key: tuple[int, int, date]
    values: dict[str, Any]


class PlacementsImport(_Kind):
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
        self.households = _households(user)
        self.authorities: dict[str, Agency] = {}
        for a in Agency.objects.all():
            self.authorities[a.code.casefold()] = a
            self.authorities[a.name.casefold()] = a
        self.types: dict[str, PlacementType] = {}
        for t in PlacementType.objects.all():
            self.types[t.code.casefold()] = t
            self.types[t.name.casefold()] = t
        self.properties = dict(visible(Property.objects.exclude(uprn=None), user).values_list("uprn", "pk"))

    def parse(self, row: dict[str, str], line: int) -> PlacementRow:
        household = _household(self.households, required(row, "case_reference"))
        authority = self.authorities.get(required(row, "placing_authority").casefold())
        if authority is None:
            raise RowError(
                "placing_authority",
                "unknown authority: expected an agency code or name",
                row["placing_authority"],
            )
        placement_type = self.types.get(required(row, "type").casefold())
        if placement_type is None:
            raise RowError(
                "type",
                f"expected one of {', '.join(sorted(t.code for t in set(self.types.values())))}",
                row["type"],
            )
        accommodation_id = None
        if row["uprn"]:
            accommodation_id = self.properties.get(_uprn(row["uprn"]))
            if accommodation_id is None:
                raise RowError(
                    "uprn",
                    "no property (that you may see) has this UPRN: import it as properties first",
                    row["uprn"],
                )
        values: dict[str, Any] = {
            "placing_authority": authority,
            "type": placement_type,
            "legal_basis": choice(row["legal_basis"], Placement.LegalBasis, "legal_basis"),
            "placed_on": parse_date(required(row, "placed_on"), "placed_on"),
            "ended_on": parse_optional_date(row["ended_on"], "ended_on"),
            "notification_received_on": parse_optional_date(
                row["notification_received_on"], "notification_received_on"
            ),
            "accommodation_id": accommodation_id,
        }
        if values["ended_on"] and values["ended_on"] < values["placed_on"]:
            raise RowError("ended_on", "a placement cannot end before it started", row["ended_on"])
        check_model(
            Placement(household=household, **values),
            row=row,
            exclude=["household", "placing_authority", "type", "accommodation"],
        )
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
        created = updated = unchanged = 0
        for r in rows:
            try:
                current = existing.get(r.key)
                values = {k: v for k, v in r.values.items() if k != "accommodation_id"}
                values["accommodation"] = homes.get(r.values["accommodation_id"])
                if current is None:
                    household_services.placement_record(household=households[r.key[0]], **values)
                    created += 1
                elif changes := _changed(current, values):
                    household_services.placement_update(placement=current, **changes)
                    updated += 1
                else:
                    unchanged += 1
            except ValidationError as exc:
                raise as_row_error(exc, line=r.line, row_column="placed_on") from exc
        return created, updated, unchanged


# Properties, licences, inspections and hazards


@dataclass
class PropertyRow:
    line: int
    uprn: int
    values: dict[str, Any]


class PropertiesImport(_Kind):
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
        self.wards = _wards(user)
        everywhere = set(Property.objects.exclude(uprn=None).values_list("uprn", flat=True))
        self.taken = everywhere - set(
            visible(Property.objects.exclude(uprn=None), user).values_list("uprn", flat=True)
        )

    def parse(self, row: dict[str, str], line: int) -> PropertyRow:
        uprn = _uprn(row["uprn"])
        if uprn in self.taken:
            raise RowError("uprn", "already used by a property outside your wards", row["uprn"])
        values = {
            "address_line_1": row["address_line_1"],
            "address_line_2": row["address_line_2"],
            "town": row["town"] or "Margate",
            "postcode": row["postcode"],
            "area": _ward(self.wards, row["ward"]),
            "tenure": choice(row["tenure"], Property.Tenure, "tenure"),
            "is_hmo": yes_no(row["is_hmo"], "is_hmo"),
            "landlord": row["landlord"],
        }
        instance = Property(uprn=uprn, **values)
        check_model(instance, row=row, columns={"area": "ward"}, exclude=["area"])
        values["postcode"] = instance.postcode  # normalised by clean()
        return PropertyRow(line, uprn, values)

    def check_together(self, parsed: list[tuple[int, PropertyRow]]) -> list[Problem]:
        return duplicates(parsed, lambda r: r.uprn, "uprn")

    def write(self, rows: list[PropertyRow]) -> Counts:
        existing = {p.uprn: p for p in Property.objects.filter(uprn__in=[r.uprn for r in rows])}
        created = updated = unchanged = 0
        for r in rows:
            try:
                current = existing.get(r.uprn)
                if current is None:
                    household_services.property_register(uprn=r.uprn, **r.values)
                    created += 1
                elif changes := _changed(current, r.values):
                    household_services.property_update(property=current, **changes)
                    updated += 1
                else:
                    unchanged += 1
            except ValidationError as exc:
                raise as_row_error(exc, line=r.line, row_column="uprn") from exc
        return created, updated, unchanged


def _properties(user: User | None) -> dict[int, Property]:
    return {p.uprn: p for p in visible(Property.objects.exclude(uprn=None), user)}


def _property(properties: Mapping[int, Property], text: str) -> Property:
    found = properties.get(_uprn(text))
    if found is None:
        raise RowError(
            "uprn", "no property (that you may see) has this UPRN: import it as properties first", text
        )
    return found


@dataclass
class LicenceRow:
    line: int
    number: str
    property: Property
    values: dict[str, Any]


class LicencesImport(_Kind):
    name = "licences"
    columns = (
        "number",
        "uprn",
        "scheme",
        "holder",
        "starts_on",
        "expires_on",
        "max_occupiers",
        "max_households",
        "status",
    )

    def __init__(self, *, user: User | None = None) -> None:
        super().__init__(user=user)
        self.properties = _properties(user)

    def parse(self, row: dict[str, str], line: int) -> LicenceRow:
        number = required(row, "number")
        prop = _property(self.properties, row["uprn"])
        values: dict[str, Any] = {
            "scheme": choice(row["scheme"], Licence.Scheme, "scheme"),
            "holder": row["holder"],
            "starts_on": parse_date(required(row, "starts_on"), "starts_on"),
            "expires_on": parse_date(required(row, "expires_on"), "expires_on"),
            "max_occupiers": whole_number(row["max_occupiers"], "max_occupiers"),
            "max_households": whole_number(row["max_households"], "max_households"),
            "status": choice(row["status"], Licence.Status, "status", default=Licence.Status.GRANTED),
        }
        if values["max_households"] > values["max_occupiers"]:
            raise RowError("max_households", "cannot exceed max_occupiers", row["max_households"])
        check_model(Licence(number=number, property=prop, **values), row=row, exclude=["property"])
        return LicenceRow(line, number, prop, values)

    def check_together(self, parsed: list[tuple[int, LicenceRow]]) -> list[Problem]:
        return duplicates(parsed, lambda r: r.number, "number")

    def write(self, rows: list[LicenceRow]) -> Counts:
        existing = {lic.number: lic for lic in Licence.objects.filter(number__in=[r.number for r in rows])}
        created = updated = unchanged = 0
        for r in rows:
            try:
                current = existing.get(r.number)
                if current is None:
                    household_services.licence_record(number=r.number, property=r.property, **r.values)
                    created += 1
                elif current.property_id != r.property.pk:
                    raise RowError(
                        "uprn",
                        f"licence {r.number} is for another property",
                        str(r.property.uprn),
                        line=r.line,
                    )
                elif changes := _changed(current, r.values):
                    household_services.licence_update(licence=current, **changes)
                    updated += 1
                else:
                    unchanged += 1
            except ValidationError as exc:
                raise as_row_error(exc, line=r.line, row_column="number") from exc
        return created, updated, unchanged


@dataclass
class FindingRow:
    line: int
    property: Property
    inspected_on: date
    reason: str
    hazard: Hazard | None
    values: dict[str, Any]


class InspectionsImport(_Kind):
    """One row per hazard found; an inspection that found none is one row with the hazard left blank."""

    name = "inspections"
    columns = ("uprn", "inspected_on", "reason", "hazard", "score", "status", "remedied_on")

    def __init__(self, *, user: User | None = None) -> None:
        super().__init__(user=user)
        self.properties = _properties(user)
        self.hazards: dict[str, Hazard] = {}
        for h in Hazard.objects.all():
            self.hazards[str(h.number)] = h
            self.hazards[h.name.casefold()] = h

    def parse(self, row: dict[str, str], line: int) -> FindingRow:
        prop = _property(self.properties, row["uprn"])
        inspected_on = parse_date(required(row, "inspected_on"), "inspected_on")
        reason = choice(row["reason"], Inspection.Reason, "reason")
        if not row["hazard"]:
            for column in ("score", "status", "remedied_on"):
                if row[column]:
                    raise RowError(column, "give the hazard this belongs to, or leave it blank", row[column])
            return FindingRow(line, prop, inspected_on, reason, None, {})
        hazard = self.hazards.get(row["hazard"].casefold())
        if hazard is None:
            raise RowError("hazard", "expected an HHSRS hazard number (1-29) or name", row["hazard"])
        values: dict[str, Any] = {
            "score": whole_number(row["score"], "score"),
            "status": choice(
                row["status"], HazardFinding.Status, "status", default=HazardFinding.Status.OPEN
            ),
            "remedied_on": parse_optional_date(row["remedied_on"], "remedied_on"),
        }
        if values["remedied_on"] and values["remedied_on"] < inspected_on:
            raise RowError(
                "remedied_on",
                "A hazard cannot be remedied before the inspection that found it.",
                row["remedied_on"],
            )
        check_model(HazardFinding(hazard=hazard, **values), row=row, exclude=["inspection", "hazard"])
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
        inspections: dict[tuple[int, date], Inspection] = {
            (i.property_id, i.inspected_on): i
            for i in Inspection.objects.filter(property__in={r.property.pk for r in rows})
        }
        findings = {
            (f.inspection_id, f.hazard_id): f
            for f in HazardFinding.objects.filter(inspection__in=[i.pk for i in inspections.values()])
        }
        created = updated = unchanged = 0
        for r in rows:
            try:
                inspection = inspections.get((r.property.pk, r.inspected_on))
                changed = False
                if inspection is None:
                    inspection = household_services.inspection_record(
                        property=r.property, inspected_on=r.inspected_on, reason=r.reason
                    )
                    inspections[(r.property.pk, r.inspected_on)] = inspection
                    changed = True
                elif inspection.reason != r.reason:
                    household_services.inspection_update(inspection=inspection, reason=r.reason)
                    changed = True
                if r.hazard is None:
                    created, updated, unchanged = _count(changed, False, (created, updated, unchanged))
                    continue
                finding = findings.get((inspection.pk, r.hazard.pk))
                if finding is None:
                    household_services.hazard_finding_record(
                        inspection=inspection, hazard=r.hazard, **r.values
                    )
                    created += 1
                    continue
                if changes := _changed(finding, r.values):
                    household_services.hazard_finding_update(hazard_finding=finding, **changes)
                    changed = True
                created, updated, unchanged = _count(False, changed, (created, updated, unchanged))
            except ValidationError as exc:
                raise as_row_error(exc, line=r.line, row_column="hazard") from exc
        return created, updated, unchanged


def _count(created: bool, changed: bool, counts: Counts) -> Counts:
    c, u, n = counts
    if created:
        return c + 1, u, n
    if changed:
        return c, u + 1, n
    return c, u, n + 1


# The registry


def _area_statistics(*, user: User | None, options: Mapping[str, Any]) -> ImportKind[Any]:
    return AreaStatisticsImport(
        source=options.get("source") or options.get("file_name") or "import",
        vintage=options.get("vintage"),
        release=options.get("release", ""),
    )


KindFactory = Callable[..., ImportKind[Any]]
KINDS: dict[str, KindFactory] = {
    "households": lambda *, user, options: HouseholdsImport(user=user),
    "benefit-records": lambda *, user, options: BenefitRecordsImport(user=user),
    "interventions": lambda *, user, options: InterventionsImport(user=user),
    "placements": lambda *, user, options: PlacementsImport(user=user),
    "properties": lambda *, user, options: PropertiesImport(user=user),
    "licences": lambda *, user, options: LicencesImport(user=user),
    "inspections": lambda *, user, options: InspectionsImport(user=user),
    "area-statistics": _area_statistics,
}
COLUMNS: dict[str, Sequence[str]] = {
    "households": HouseholdsImport.columns,
    "benefit-records": BenefitRecordsImport.columns,
    "interventions": InterventionsImport.columns,
    "placements": PlacementsImport.columns,
    "properties": PropertiesImport.columns,
    "licences": LicencesImport.columns,
    "inspections": InspectionsImport.columns,
    "area-statistics": AreaStatisticsImport.columns,
}


def kind_for(
    name: str, *, user: User | None = None, options: Mapping[str, Any] | None = None
) -> ImportKind[Any]:
    return KINDS[name](user=user, options=options or {})

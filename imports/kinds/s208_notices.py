"""s208 notices received, each opening a case: one row per member of the placed household.

Rows with the same case reference are one notice; its household columns (ward, authority, type, dates,
address) must agree on every row, and exactly one member is the head. A notice opens a new case, so a case
reference already on the system is refused. Each notice goes through `households.intake.placement_intake`.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from households.intake import IntakeAddress, IntakeMember, placement_intake
from households.models import Household, Membership, Person, Placement, PlacementType, Property
from taskforce.org.models import Agency
from taskforce.org.validators import normalise_nino, normalise_postcode

from ..core import Problem, RowError, parse_date
from ..fields import check_model, choice, required
from .placements import authorities_by_code_or_name
from .shared import Counts, Kind, find_ward, parse_uprn, visible, wards_for

NOTICE_COLUMNS = (
    "ward",
    "placing_authority",
    "type",
    "legal_basis",
    "placed_on",
    "notification_received_on",
    "agencies",
    "uprn",
    "address_line_1",
    "address_line_2",
    "postcode",
)


@dataclass
class NoticeRow:
    line: int
    case_reference: str
    notice: dict[str, Any]
    same: tuple[str, ...]  # the row's household columns as written, to compare across the notice
    member: IntakeMember


class S208NoticesImport(Kind):
    name = "s208-notices"
    columns = (
        "case_reference",
        *NOTICE_COLUMNS,
        "given_name",
        "family_name",
        "date_of_birth",
        "nino",
        "relationship",
    )

    def __init__(self, *, user: User | None = None) -> None:
        super().__init__(user=user)
        self.user = user
        self.wards = wards_for(user)
        self.authorities = authorities_by_code_or_name()
        self.types = {t.code.casefold(): t for t in PlacementType.objects.all()}
        self.agencies = {a.code: a for a in Agency.objects.all()}
        self.taken = set(Household.objects.values_list("case_reference", flat=True))
        self.properties = dict(visible(Property.objects.exclude(uprn=None), user).values_list("uprn", "pk"))
        self.uprns = set(Property.objects.exclude(uprn=None).values_list("uprn", flat=True))

    def parse(self, row: dict[str, str], line: int) -> NoticeRow:
        reference = required(row, "case_reference").upper()
        if reference in self.taken:
            raise RowError(
                "case_reference",
                "already on the system: an s208 notice opens a new case",
                row["case_reference"],
            )
        authority = self.authorities.get(required(row, "placing_authority").casefold())
        if authority is None:
            raise RowError(
                "placing_authority",
                "unknown placing authority: expected a local authority's GSS code or name",
                row["placing_authority"],
            )
        placement_type = self.types.get(required(row, "type").casefold())
        if placement_type is None:
            raise RowError("type", f"expected one of {', '.join(sorted(self.types))}", row["type"])
        codes = row["agencies"].replace(";", " ").replace(",", " ").lower().split()
        unknown = [c for c in codes if c not in self.agencies]
        if not codes or unknown:
            raise RowError(
                "agencies", "expected the codes of the agencies the case is shared with", row["agencies"]
            )
        ward = find_ward(self.wards, row["ward"])
        notice: dict[str, Any] = {
            "ward": ward,
            "placing_authority": authority,
            "type": placement_type,
            "legal_basis": choice(required(row, "legal_basis"), Placement.LegalBasis, "legal_basis"),
            "placed_on": parse_date(required(row, "placed_on"), "placed_on"),
            "notification_received_on": parse_date(
                required(row, "notification_received_on"), "notification_received_on"
            ),
            "agencies": [self.agencies[c] for c in codes],
            "accommodation_id": None,
            "address": None,
        }
        if row["uprn"] and parse_uprn(row["uprn"]) in self.properties:
            notice["accommodation_id"] = self.properties[parse_uprn(row["uprn"])]
        else:
            uprn = parse_uprn(row["uprn"]) if row["uprn"] else None
            if uprn in self.uprns:
                raise RowError("uprn", "already used by a property outside your wards", row["uprn"])
            notice["address"] = IntakeAddress(
                address_line_1=required(row, "address_line_1"),
                address_line_2=row["address_line_2"],
                postcode=normalise_postcode(required(row, "postcode")),
                area=ward,
                uprn=uprn,
            )
        person = Person(
            given_name=row["given_name"],
            family_name=row["family_name"],
            date_of_birth=parse_date(required(row, "date_of_birth"), "date_of_birth"),
            nino=normalise_nino(row["nino"]) or None,
        )
        check_model(person, row=row)
        member = IntakeMember(
            given_name=required(row, "given_name"),
            family_name=required(row, "family_name"),
            date_of_birth=parse_date(required(row, "date_of_birth"), "date_of_birth"),
            relationship=choice(required(row, "relationship"), Membership.Relationship, "relationship"),
            nino=normalise_nino(row["nino"]) or None,
        )
        same = tuple(row[c].strip().casefold() for c in NOTICE_COLUMNS)
        return NoticeRow(line, reference, notice, same, member)

    def check_together(self, parsed: list[tuple[int, NoticeRow]]) -> list[Problem]:
        problems = []
        for rows in _notices(r for _, r in parsed).values():
            first = rows[0]
            for r in rows[1:]:
                for column, a, b in zip(NOTICE_COLUMNS, first.same, r.same, strict=True):
                    if a != b:
                        problems.append(
                            Problem(
                                r.line,
                                column,
                                b,
                                f"differs from row {first.line} of the same notice ({first.case_reference})",
                            )
                        )
            heads = sum(r.member.relationship == Membership.Relationship.HEAD for r in rows)
            if heads != 1:
                problems.append(
                    Problem(
                        first.line, "relationship", "", f"a notice needs exactly one head; it has {heads}"
                    )
                )
        return problems

    def write(self, rows: list[NoticeRow]) -> Counts:
        homes = Property.objects.in_bulk({r.notice["accommodation_id"] for r in rows} - {None})
        created = 0
        for reference, notice_rows in _notices(rows).items():
            notice = dict(notice_rows[0].notice)
            home = homes.get(notice.pop("accommodation_id"))
            try:
                placement_intake(
                    case_reference=reference,
                    members=[r.member for r in notice_rows],
                    recorded_by=self.user,
                    accommodation=home,
                    **notice,
                )
            except ValidationError as error:
                raise _row_error(error, notice_rows) from error
            created += 1
        return created, 0, 0


def _row_error(error: ValidationError, rows: list[NoticeRow]) -> RowError:
    """The intake's first complaint as a row error: a member's on that member's row, by column."""
    field, messages = next(iter(getattr(error, "message_dict", {"case_reference": error.messages}).items()))
    line = rows[0].line
    parts = field.split(".")
    if parts[0] == "members" and len(parts) == 3 and parts[1].isdigit():
        line, field = rows[int(parts[1]) - 1].line, parts[2]
    elif parts[0] == "address" and len(parts) == 2:
        field = parts[1]
    elif field == "__all__":
        field = "case_reference"
    return RowError(field, " ".join(messages), line=line)


def _notices(rows: Any) -> dict[str, list[NoticeRow]]:
    by_reference: dict[str, list[NoticeRow]] = defaultdict(list)
    for r in rows:
        by_reference[r.case_reference].append(r)
    return by_reference

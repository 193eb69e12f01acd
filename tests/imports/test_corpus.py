"""The bad-file corpus: each file is refused with the documented problems (docs/imports.md), and nothing
is written. A problem names the row as a spreadsheet numbers it, the column, the value and the rule."""

from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from households.models import Household, Licence, Person, Property
from imports import services
from imports.models import ImportBatch
from imports.uploads import UploadTooLarge
from outcomes.models import BenefitRecord
from tests.factories import LicenceFactory, MembershipFactory, PersonFactory, PropertyFactory

from .conftest import example

pytestmark = pytest.mark.django_db

BENEFITS = "nino,month,benefit,amount\n"
HOUSEHOLDS = example("households").decode().splitlines()[0] + "\n"
PROPERTIES = example("properties").decode().splitlines()[0] + "\n"

# (kind, file, [(row, column, value, rule fragment), ...])
CORPUS = {
    "wrong columns": (
        "benefit-records",
        b"nino,month,benefit\nAA000001A,2010-09,jsa\n",
        [(0, "(file)", "", "missing column(s) amount")],
    ),
    "bad dates": (
        "households",
        (
            HOUSEHOLDS + "MTF-000001,E05005088,2010-13-01,,consent,jcp,Alex,Example,1980-01-01,,,head,\n"
            "MTF-000002,E05005088,31/02/2010,,consent,jcp,Sam,Example,1980-01-01,,,head,\n"
            "MTF-000003,E05005088,yesterday,,consent,jcp,Jo,Example,1980-01-01,,,head,\n"
        ).encode(),
        [
            (2, "opened_on", "2010-13-01", "not a real date"),
            (3, "opened_on", "31/02/2010", "not a real date"),
            (
                4,
                "opened_on",
                "yesterday",
                "expected a date as YYYY-MM-DD, DD/MM/YYYY or an Excel date number",
            ),
        ],
    ),
    "bad NINO": (
        "benefit-records",
        (
            BENEFITS + "QQ123456C,2010-09,jsa,1.00\nAB12345C,2010-09,jsa,1.00\nAB123456C,2010-09,jsa,1.00\n"
        ).encode(),
        [
            (2, "nino", "QQ123456C", "the first letter cannot be D, F, I, Q, U or V"),
            (3, "nino", "AB12345C", "expected two letters, six digits and a suffix A, B, C or D"),
            (4, "nino", "AB123456C", "no person (that you may see) has this National Insurance number"),
        ],
    ),
    "unknown area": (
        "properties",
        (PROPERTIES + "900000001,1 Example Terrace,,Margate,CT9 2AB,E05999999,private,no,\n").encode(),
        [(2, "ward", "E05999999", "unknown area")],
    ),
    "duplicate rows": (
        "benefit-records",
        (BENEFITS + "AA000001A,2010-09,jsa,1.00\naa000001a,2010-09-01,JSA,2.00\n").encode(),
        [(3, "benefit", "2010-09", "repeats row 2: one record per person, month and benefit")],
    ),
    "formula injection": (
        "properties",
        (
            PROPERTIES
            + '900000001,"=HYPERLINK(""http://x"")",,Margate,CT9 2AB,E05005088,private,no,@SUM(1)\n'
        ).encode(),
        [
            (2, "address_line_1", '=HYPERLINK("http://x")', "starts like a spreadsheet formula"),
            (2, "landlord", "@SUM(1)", "starts like a spreadsheet formula"),
        ],
    ),
    "wrong encoding": (
        "properties",
        (PROPERTIES + "900000001,1 Caf\u00e9 Row,,Margate,CT9 2AB,E05005088,private,no,\n").encode("cp1252"),
        [(0, "(file)", "", "The file is not UTF-8 text (byte 92 cannot be read). Save it as 'CSV UTF-8'")],
    ),
    "empty": ("properties", b"", [(0, "(file)", "", "The file is empty.")]),
    "header only": ("properties", PROPERTIES.encode(), []),
    "model rules": (
        "households",
        (
            HOUSEHOLDS + "MTF-12,E05005088,2010-09-01,,consent,jcp,Alex,Example,2090-01-01,,X,head,\n"
            "MTF-000002,E05005088,2010-09-01,2010-08-01,consent,jcp,Sam,Example,1980-01-01,,,boss,\n"
        ).encode(),
        [
            (2, "case_reference", "MTF-12", "A case reference is MTF- and six digits"),
            (2, "date_of_birth", "2090-01-01", "The date of birth cannot be in the future."),
            (2, "sex", "X", "is not a valid choice"),
            (3, "closed_on", "2010-08-01", "a case cannot close before it opened"),
            (3, "relationship", "boss", "expected one of head, partner"),
        ],
    ),
    "negative amount": (
        "benefit-records",
        (
            BENEFITS
            + "AA000001A,2010-09,jsa,-5.00\nAA000001A,2010-10,jsa,12.345\nAA000001A,2010-09-15,jsa,1\n"
        ).encode(),
        [
            (2, "amount", "-5.00", "cannot be negative"),
            (3, "amount", "12.345", "expected an amount in pounds"),
            (4, "month", "2010-09-15", "A benefit record covers a calendar month: give its first day."),
        ],
    ),
}


@pytest.fixture
def known() -> None:
    """A person with a National Insurance number, in a household, and nothing else."""
    MembershipFactory(person=PersonFactory(nino="AA000001A"))


def written() -> tuple[int, int, int, int]:
    return (
        Household.objects.count(),
        Person.objects.count(),
        Property.objects.count(),
        BenefitRecord.objects.count(),
    )


@pytest.mark.usefixtures("known")
@pytest.mark.parametrize("case", sorted(CORPUS))
def test_a_bad_file_gives_its_documented_problems_and_writes_nothing(case: str, upload) -> None:  # type: ignore[no-untyped-def]
    kind, data, expected = CORPUS[case]
    before = written()
    batch = upload(kind, data)
    problems = [(p["row"], p["column"], p["value"], p["rule"]) for p in batch.report["problems"]]
    if not expected:  # a header alone is a valid file of no rows
        assert (batch.status, batch.rows, batch.created) == (ImportBatch.Status.COMMITTED, 0, 0)
        return
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.job is None
    assert len(problems) == len(expected), problems
    for (row, column, value, rule), (got_row, got_column, got_value, got_rule) in zip(
        expected, problems, strict=True
    ):
        assert (got_row, got_column, got_value) == (row, column, value)
        assert rule in got_rule
    assert written() == before


@pytest.mark.usefixtures("known")
def test_an_oversized_file_is_refused_with_its_size_and_leaves_nothing(settings: Settings) -> None:
    settings.IMPORT_MAX_BYTES = 1_000_000
    data = (BENEFITS + "AA000001A,2010-09,jsa,1.00\n" * 40_000).encode()
    with pytest.raises(UploadTooLarge, match=r"the limit is 1 MB\. Split it into smaller files\."):
        services.batch_upload(kind="benefit-records", file_name="big.csv", data=data)
    assert ImportBatch.objects.count() == 0
    assert list(Path(settings.IMPORTS_DIR).iterdir()) == []
    assert BenefitRecord.objects.count() == 0


@pytest.mark.usefixtures("known")
def test_every_bad_row_of_a_big_file_is_reported(upload) -> None:  # type: ignore[no-untyped-def]
    good = "AA000001A,{:04d}-01,jsa,1.00\n"
    rows = [good.format(1900 + i) for i in range(3_000)]
    rows[10] = "AA000001A,1910-01,jsa,lots\n"
    rows[2_500] = "AA000001A,4400-01,xyz,1.00\n"
    batch = upload("benefit-records", (BENEFITS + "".join(rows)).encode())
    assert [(p["row"], p["column"]) for p in batch.report["problems"]] == [(12, "amount"), (2502, "benefit")]
    assert BenefitRecord.objects.count() == 0


def test_a_rule_broken_only_while_writing_rolls_back_every_row(upload) -> None:  # type: ignore[no-untyped-def]
    """Row 3 reuses a licence number already held by another property, which shows only when written: the
    good licence of row 2, written just before, is not kept either."""
    first, second = PropertyFactory(uprn=900000001), PropertyFactory(uprn=900000002)
    LicenceFactory(number="HMO/EX/0001", property=first)
    header = example("licences").decode().splitlines()[0]
    data = (
        f"{header}\n"
        "HMO/EX/0002,900000002,selective,Example Ltd,,2011-01-01,2015-12-31,4,1,,granted,\n"
        "HMO/EX/0001,900000002,selective,Example Ltd,,2011-01-01,2015-12-31,4,1,,granted,\n"
    ).encode()
    batch = upload("licences", data)
    assert batch.status == ImportBatch.Status.INVALID
    assert [(p["row"], p["column"], p["rule"]) for p in batch.report["problems"]] == [
        (3, "uprn", "licence HMO/EX/0001 is for another property")
    ]
    assert list(Licence.objects.values_list("number", "property")) == [("HMO/EX/0001", first.pk)]
    assert not second.licences.exists()

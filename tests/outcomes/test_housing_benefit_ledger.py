"""The housing benefit ledger (each claimant's months as one row): its sums are the records' sums, a reader
never takes them from a ledger older than the records, and every bulk write of records rebuilds it."""

import random
from datetime import date
from decimal import Decimal

import numpy as np
import pytest

from imports.core import run_import
from imports.kinds.benefit_records import BenefitRecordsImport
from outcomes.dashboards.warm import dashboards_warm
from outcomes.datasets.housing_benefit import housing_benefit_by_ward
from outcomes.datasets.ledger import current_ledger, rebuild_ledger, refresh_ledger
from outcomes.models import BenefitRecord, BenefitType, HousingBenefitLedger

from ..factories import (
    HouseholdFactory,
    MembershipFactory,
    PersonFactory,
    PropertyFactory,
    ResidenceFactory,
    ward,
)

pytestmark = pytest.mark.django_db


def _month(n: int) -> date:
    """Month n since January 1970, as its first day."""
    return date(1970 + n // 12, n % 12 + 1, 1)


def _records(rng: random.Random, people: list, benefit: BenefitType, other: BenefitType) -> dict:
    """Random housing benefit records (gaps, amounts of nothing, pennies) and records of another benefit in
    the same months; the housing benefit ones by (person, month number) in pennies."""
    paid: dict[tuple[int, int], int] = {}
    rows = []
    for person in people:
        months = rng.sample(range(430, 500), rng.randint(0, 30))
        for n in months:
            pennies = rng.choice([0, 1, 9_999, 12_345, rng.randint(0, 99_999_999)])
            paid[(person.pk, n)] = pennies
            rows.append(
                BenefitRecord(person=person, month=_month(n), benefit=benefit, amount=Decimal(pennies) / 100)
            )
            rows.append(BenefitRecord(person=person, month=_month(n), benefit=other, amount=Decimal("7.77")))
    BenefitRecord.objects.bulk_create(rows)
    return paid


def test_span_sums_are_the_records_sums_in_pennies() -> None:
    rng = random.Random(5)
    benefit, other = BenefitType.objects.get(code="hb"), BenefitType.objects.get(code="jsa")
    people = [PersonFactory() for _ in range(12)]
    paid = _records(rng, people, benefit, other)
    assert current_ledger() is None, "a ledger never built is not read"
    assert rebuild_ledger() == len({person for person, _ in paid})

    ledger = current_ledger()
    assert ledger is not None
    spans = [(rng.choice([*people, *people[:2]]).pk, rng.randint(420, 510), 0) for _ in range(600)]
    spans = [(p, s, s + rng.randint(1, 40)) for p, s, _ in spans] + [(10**9, 430, 500)]  # and no such person
    person, start, end = (np.array(column, dtype=np.int64) for column in zip(*spans, strict=True))

    got = ledger.sums(person, start, end)

    expected = []
    for p, s, e in spans:
        inside = [paid[(p, n)] for n in range(s, e) if (p, n) in paid]
        expected.append(sum(inside) if inside else -1)
    assert got.tolist() == expected
    assert any(value == 0 for value in expected), "a span paid nothing but with records sums to 0, not -1"


def _world() -> None:
    """Two claimants in homes in the two wards, one moving between them, paid housing benefit."""
    west, central = ward("E05005088"), ward("E05005093")
    benefit = BenefitType.objects.get(code="hb")
    for n, (first, second) in enumerate([(west, central), (central, None)]):
        household = HouseholdFactory()
        person = PersonFactory()
        MembershipFactory(household=household, person=person, joined_on=date(2005, 1, 1))
        ResidenceFactory(
            household=household,
            property=PropertyFactory(area=first),
            moved_in=date(2005, 1, 1),
            moved_out=date(2011, 6, 15) if second else None,
        )
        if second:
            ResidenceFactory(
                household=household, property=PropertyFactory(area=second), moved_in=date(2011, 6, 15)
            )
        BenefitRecord.objects.bulk_create(
            BenefitRecord(person=person, month=_month(m), benefit=benefit, amount=Decimal("100.01") * (n + 1))
            for m in range(480, 510)
        )


def test_the_dashboards_figures_are_the_same_from_the_ledger_and_from_the_records() -> None:
    _world()
    from_records = housing_benefit_by_ward()
    assert current_ledger() is None
    rebuild_ledger()
    assert current_ledger() is not None
    from_ledger = housing_benefit_by_ward()
    assert from_ledger.equals(from_records)
    assert from_ledger["housing_benefit"].sum() == pytest.approx(30 * 100.01 + 30 * 200.02)
    # Whole pennies, added up exactly: 2011 in the west is five and a half months at 100.01 (the move in
    # June gives June to the new home).
    west_2011 = from_ledger[(from_ledger["area"] == "E05005088") & (from_ledger["year"] == "2011")]
    assert west_2011["housing_benefit"].tolist() == [500.05]


def test_a_change_through_the_orm_is_seen_and_the_records_are_summed_until_the_ledger_is_rebuilt() -> None:
    _world()
    rebuild_ledger()
    record = BenefitRecord.objects.filter(benefit__code="hb").order_by("pk").first()
    assert record is not None
    record.amount = Decimal("5000.00")
    record.save()  # a history row
    assert current_ledger() is None
    changed = housing_benefit_by_ward()
    assert changed["housing_benefit"].sum() == pytest.approx(30 * 100.01 + 30 * 200.02 - 100.01 + 5000)
    assert refresh_ledger() is True
    assert refresh_ledger() is False, "rebuilt once, then up to date"
    assert housing_benefit_by_ward().equals(changed)

    record.delete()
    assert current_ledger() is None
    BenefitRecord.objects.bulk_create(  # a bulk write: a new highest id
        [BenefitRecord(person=record.person, month=record.month, benefit=record.benefit, amount=Decimal(1))]
    )
    assert current_ledger() is None


def test_the_warming_job_rebuilds_a_ledger_older_than_the_records() -> None:
    _world()
    dashboards_warm()
    assert current_ledger() is not None
    assert HousingBenefitLedger.objects.count() == 2


HEADER = "nino,month,benefit,amount\n"


def _by_column(data: bytes) -> None:
    assert run_import(BenefitRecordsImport(), data).committed


def _row_by_row(data: bytes) -> None:
    kind = BenefitRecordsImport()
    kind.run_in_bulk = None  # type: ignore[assignment,method-assign]
    assert run_import(kind, data).committed


@pytest.mark.parametrize("write", [_by_column, _row_by_row], ids=["column by column", "row by row"])
def test_an_import_rebuilds_the_ledger_in_its_transaction_even_when_it_only_changes_amounts(write) -> None:
    person = PersonFactory(nino="AA000002B")
    write(
        (HEADER + "AA000002B,2010-09,hb,95.00\nAA000002B,2010-11,hb,5.00\nAA000002B,2010-10,jsa,1\n").encode()
    )
    ledger = current_ledger()
    assert ledger is not None
    first = (2010 - 1970) * 12 + 8
    assert ledger.sums(np.array([person.pk]), np.array([first]), np.array([first + 3])).tolist() == [10_000]
    assert ledger.sums(np.array([person.pk]), np.array([first + 1]), np.array([first + 2])).tolist() == [-1]

    # Only an amount changes: a bulk update, which moves neither the highest id nor the history.
    write((HEADER + "AA000002B,2010-09,hb,96.50\n").encode())
    ledger = current_ledger()
    assert ledger is not None
    assert ledger.sums(np.array([person.pk]), np.array([first]), np.array([first + 3])).tolist() == [10_150]


def _ledger_rows() -> dict[int, tuple[date, bytes]]:
    return {
        row.person_id: (row.first_month, bytes(row.pennies)) for row in HousingBenefitLedger.objects.all()
    }


@pytest.mark.parametrize("write", [_by_column, _row_by_row], ids=["column by column", "row by row"])
def test_an_import_builds_only_its_claimants_rows_when_the_ledger_was_up_to_date(write, monkeypatch) -> None:
    ninos = [f"AA{100000 + n:06d}A" for n in range(21)]
    for nino in ninos:
        PersonFactory(nino=nino)
    write(
        (
            HEADER
            + "".join(f"{nino},2010-0{1 + n % 5},hb,{10 + n}.25\n" for n, nino in enumerate(ninos[:20]))
        ).encode()
    )
    assert len(_ledger_rows()) == 20

    def whole(*args, **kwargs):
        raise AssertionError("the whole ledger was rebuilt")

    with monkeypatch.context() as patched:
        patched.setattr("outcomes.datasets.ledger.rebuild_ledger", whole)
        # A new month for one claimant, a changed amount for another, and a new claimant.
        write(
            (
                HEADER
                + f"{ninos[0]},2011-03,hb,1.00\n{ninos[1]},2010-02,hb,99.99\n{ninos[20]},2012-12,hb,3.50\n"
            ).encode()
        )
    partial = _ledger_rows()
    assert current_ledger() is not None
    assert rebuild_ledger() == 21
    assert partial == _ledger_rows()
    ledger = current_ledger()
    assert ledger is not None
    person = PersonFactory._meta.model.objects.get(nino=ninos[0]).pk
    january_2010 = (2010 - 1970) * 12
    assert ledger.sums(
        np.array([person]), np.array([january_2010]), np.array([january_2010 + 15])
    ).tolist() == [1_125]


def test_an_import_rebuilds_the_whole_ledger_when_it_was_out_of_date(monkeypatch) -> None:
    ninos = [f"AA{200000 + n:06d}A" for n in range(10)]
    for nino in ninos:
        PersonFactory(nino=nino)
    _by_column((HEADER + "".join(f"{nino},2010-01,hb,10.00\n" for nino in ninos)).encode())
    record = BenefitRecord.objects.order_by("pk").first()
    record.amount = Decimal("11.00")
    record.save()  # through the ORM: a history row, the ledger now behind the records
    assert current_ledger() is None
    rebuilt = []
    original = rebuild_ledger

    def spied() -> int:
        rebuilt.append(1)
        return original()

    monkeypatch.setattr("outcomes.datasets.ledger.rebuild_ledger", spied)
    _by_column((HEADER + f"{ninos[0]},2010-02,hb,1.00\n").encode())
    assert rebuilt == [1]
    ledger = current_ledger()
    assert ledger is not None
    assert ledger.sums(np.array([record.person_id]), np.array([480]), np.array([481])).tolist() == [1_100]

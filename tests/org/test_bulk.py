"""The bulk writer: rows written either way, and on PostgreSQL the trigger switch it may use for rows whose
references the caller has already checked and locked."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from households.models import Person
from outcomes.models import BenefitRecord, BenefitType
from taskforce.org.bulk import insert_rows, lock_referenced, may_skip_row_triggers


@pytest.fixture
def person(db: None) -> Person:
    return Person.objects.create(given_name="Ada", family_name="Lovelace", date_of_birth=date(1980, 5, 1))


def benefit() -> BenefitType:
    return BenefitType.objects.get(code="jsa")


@pytest.mark.parametrize("checked", [False, True])
def test_rows_are_written_whether_or_not_the_caller_checked_their_references(
    person: Person, checked: bool
) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # FOR KEY SHARE is PostgreSQL's; SQLite locks the database
            lock_referenced(cursor, BenefitType, [benefit().pk])
        written = insert_rows(
            BenefitRecord,
            ["person_id", "month", "benefit_id", "amount"],
            [
                (person.pk, "2010-09-01", benefit().pk, "12.50"),
                (person.pk, "2010-10-01", benefit().pk, "13.00"),
            ],
            references_checked=checked,
        )
    assert written == 2
    assert sorted(BenefitRecord.objects.values_list("month", "amount")) == [
        (date(2010, 9, 1), Decimal("12.50")),
        (date(2010, 10, 1), Decimal("13.00")),
    ]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW session_replication_role")
            assert cursor.fetchone()[0] == "origin"


def write_a_record_of_nobody(person: Person) -> None:
    with transaction.atomic():
        insert_rows(
            BenefitRecord,
            ["person_id", "month", "benefit_id", "amount"],
            [(person.pk + 1000, "2010-09-01", benefit().pk, "12.50")],
        )
        # PostgreSQL checks deferred foreign keys at commit; SQLite when asked.
        connection.check_constraints(table_names=[BenefitRecord._meta.db_table])


def test_without_the_callers_word_a_broken_reference_is_refused(person: Person) -> None:
    with pytest.raises(IntegrityError):
        write_a_record_of_nobody(person)
    assert not BenefitRecord.objects.exists()


def test_a_missing_referenced_row_is_named_when_locking(db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("FOR KEY SHARE is PostgreSQL's")
    with connection.cursor() as cursor, pytest.raises(IntegrityError, match="no longer exists"):
        lock_referenced(cursor, BenefitType, [999_999])


def test_with_the_callers_word_the_reference_triggers_are_skipped(person: Person) -> None:
    """The proof that the switch takes effect: a row whose reference is broken, which the triggers would
    refuse (the test above), is written when the caller vouches for its references. (Never done outside this
    test: the caller's word is only given for references it has checked and locked.)"""
    if connection.vendor != "postgresql":
        pytest.skip("the trigger switch is PostgreSQL's")
    with connection.cursor() as cursor:
        if not may_skip_row_triggers(cursor, BenefitRecord._meta.db_table):
            pytest.skip("this connection may not switch the triggers off")
    with transaction.atomic():
        written = insert_rows(
            BenefitRecord,
            ["person_id", "month", "benefit_id", "amount"],
            [(person.pk + 1000, "2010-09-01", benefit().pk, "12.50")],
            references_checked=True,
        )
        assert written == 1
        assert BenefitRecord.objects.filter(person_id=person.pk + 1000).count() == 1
        # Undone here: the test's own transaction never commits, but nothing else should see the row.
        BenefitRecord.objects.filter(person_id=person.pk + 1000).delete()

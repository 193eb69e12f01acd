"""The access log only grows, and every change records the route it came through."""

import pytest
from django.db import DatabaseError, connection, transaction

from households.services import person_create
from taskforce.org import audit
from taskforce.org.models import AccessLog, AccessLogIsAppendOnly, AccessLogSubject, StaffProfile
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(caseworker: StaffProfile) -> AccessLog:
    return audit.access_record(
        user=caseworker.user,
        route="api",
        action=AccessLog.Action.DETAIL,
        resource="households.person",
        object_ids=[7],
        person_ids=[7],
        purpose="case work",
        client_address="127.0.0.1",
    )


def test_access_record_keeps_who_what_why_and_the_people_read(entry: AccessLog) -> None:
    entry.refresh_from_db()
    assert (entry.username, entry.role, entry.action, entry.object_ids) == (
        "casey",
        "caseworker",
        "detail",
        [7],
    )
    assert list(entry.subjects.values_list("person_id", flat=True)) == [7]


def test_an_access_log_row_cannot_be_changed(entry: AccessLog) -> None:
    entry.purpose = "something else"
    with pytest.raises(AccessLogIsAppendOnly):
        entry.save()
    with pytest.raises(AccessLogIsAppendOnly):
        AccessLog.objects.filter(pk=entry.pk).update(purpose="something else")
    assert AccessLog.objects.get(pk=entry.pk).purpose == "case work"


def test_an_access_log_row_cannot_be_deleted(entry: AccessLog) -> None:
    with pytest.raises(AccessLogIsAppendOnly):
        entry.delete()
    with pytest.raises(AccessLogIsAppendOnly):
        AccessLog.objects.all().delete()
    with pytest.raises(AccessLogIsAppendOnly):
        AccessLogSubject.objects.all().delete()
    assert AccessLog.objects.filter(pk=entry.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgresql_refuses_update_and_delete_of_the_access_log_in_sql(entry: AccessLog) -> None:
    for sql in ("UPDATE taskforce_accesslog SET purpose = 'x'", "DELETE FROM taskforce_accesslog"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cur,
        ):
            cur.execute(sql)


def test_people_exposed_by_a_household_read_are_its_members() -> None:
    from tests.factories import MembershipFactory

    first = MembershipFactory()
    second = MembershipFactory(household=first.household)
    MembershipFactory()
    assert audit.people_exposed_by(type(first.household), [first.household_id]) == sorted(
        [first.person_id, second.person_id]
    )


def test_a_change_records_the_route_it_came_through() -> None:
    with audit.route("api"):
        person = person_create(
            given_name="Ada", family_name="Example", date_of_birth=PersonFactory.date_of_birth
        )
    assert person.history.get().history_change_reason == "api"
    person_create(
        given_name="Bo", family_name="Example", date_of_birth=PersonFactory.date_of_birth, nino=None
    )
    assert audit.current_route() is None

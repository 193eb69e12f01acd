"""Duplicate people: likely matches shown before a person is added (web, API, import), linked never merged,
reviewed across the caseload; and the caseload's spelling-tolerant, date-of-birth and postcode search."""

from datetime import date

import pytest
from django.test import Client

from households.duplicates import judge, likely_matches, review_queue
from households.linking import person_link_record, person_link_undo
from households.models import Person, PersonLink
from taskforce.org.models import AccessLog, StaffProfile
from tests.api.conftest import client_for
from tests.factories import (
    MembershipFactory,
    PersonFactory,
    ResidenceFactory,
    agency,
    shared_household,
)

pytestmark = pytest.mark.django_db
BORN = date(1984, 2, 29)


def dated(name: str, day: int, month: int, year: int) -> dict[str, str]:
    return {f"{name}_day": str(day), f"{name}_month": str(month), f"{name}_year": str(year)}


def member(
    given: str, family: str, born: date = BORN, *, agencies: tuple[str, ...] = ("jcp",), **person: object
) -> Person:
    household = shared_household(*(agency(a) for a in agencies))
    return MembershipFactory(
        household=household,
        person=PersonFactory(given_name=given, family_name=family, date_of_birth=born, **person),
    ).person


@pytest.mark.parametrize(
    ("given", "family", "born", "likely"),
    [
        ("Jordan", "Pretend", BORN, True),  # same name, same birth date
        ("Jordan", "Pertend", BORN, True),  # a slip in the family name
        ("Jordan", "Pretend", date(1984, 2, 28), True),  # same name, birth date one digit apart
        ("Jordan", "Pretend", date(1990, 7, 4), False),  # same name, another person
        ("Robin", "Example", BORN, False),  # same birth date, another name
    ],
)
def test_what_counts_as_a_likely_match(given: str, family: str, born: date, likely: bool) -> None:
    candidate = Person(given_name="Jordan", family_name="Pretend", date_of_birth=BORN)
    match = judge(given_name=given, family_name=family, date_of_birth=born, nino=None, candidate=candidate)
    assert (match is not None) == likely


def test_matches_come_only_from_people_the_user_may_see(caseworker: StaffProfile) -> None:
    seen = member("Jordan", "Pretend")
    member("Jordan", "Pretend", agencies=("police",))  # shared with the police only

    matches = likely_matches(
        user=caseworker.user, given_name="Jordan", family_name="Pertend", date_of_birth=BORN
    )

    assert [m.person for m in matches] == [seen]
    assert "the same date of birth" in matches[0].reasons


def test_web_shows_matches_before_saving_then_adds_and_links(
    client: Client, caseworker: StaffProfile
) -> None:
    existing = member("Jordan", "Pretend")
    household = shared_household(agency("jcp"))
    client.force_login(caseworker.user)
    details = {
        "given_name": "Jordan",
        "family_name": "Pertend",
        **dated("date_of_birth", 29, 2, 1984),
        "relationship": "head",
        **dated("joined_on", 1, 10, 2010),
    }

    shown = client.post(f"/households/{household.pk}/members/new/", details).content.decode()

    assert "Records that may be this person" in shown
    assert f'value="same:{existing.pk}"' in shown
    assert Person.objects.count() == 1
    assert AccessLog.objects.filter(
        username="casey", action="search", resource="households.person"
    ).get().object_ids == [existing.pk]
    added = client.post(
        f"/households/{household.pk}/members/new/", {**details, "decision": f"same:{existing.pk}"}
    )
    assert added.status_code == 302
    new = Person.objects.get(family_name="Pertend")
    link = PersonLink.objects.get()
    assert (link.person, link.other, link.kind, link.recorded_by) == (existing, new, "same", caseworker.user)
    assert new.memberships.get().household == household
    assert existing.memberships.count() == 1  # never merged: each keeps its own records


def test_web_confirming_a_different_person_marks_the_pair_distinct(
    client: Client, caseworker: StaffProfile
) -> None:
    existing = member("Jordan", "Pretend")
    household = shared_household(agency("jcp"))
    client.force_login(caseworker.user)
    details = {
        "given_name": "Jordan",
        "family_name": "Pretend",
        **dated("date_of_birth", 29, 2, 1984),
        "relationship": "head",
        **dated("joined_on", 1, 10, 2010),
        "decision": "distinct",
    }
    assert client.post(f"/households/{household.pk}/members/new/", details).status_code == 302
    assert PersonLink.objects.get().kind == "distinct"
    assert review_queue(caseworker.user) == []
    assert existing.pk in {PersonLink.objects.get().person_id, PersonLink.objects.get().other_id}


def test_api_answers_409_with_possible_duplicates_until_confirmed(caseworker: StaffProfile) -> None:
    existing = member("Jordan", "Pretend")
    household = shared_household(agency("jcp"))
    body = {
        "given_name": "Jordan",
        "family_name": "Pretend",
        "date_of_birth": "1984-02-29",
        "household": household.pk,
        "relationship": "head",
        "joined_on": "2010-10-01",
    }
    api = client_for(caseworker.user)

    refused = api.post("/api/v1/people/", body, format="json")

    assert refused.status_code == 409
    assert [(m["id"], m["score"]) for m in refused.json()["possible_duplicates"]] == [(existing.pk, 90)]
    assert Person.objects.count() == 1
    created = api.post("/api/v1/people/", {**body, "confirm_distinct": True}, format="json")
    assert created.status_code == 201
    assert PersonLink.objects.get().kind == "distinct"


def test_review_queue_lists_likely_pairs_and_a_link_can_be_undone(caseworker: StaffProfile) -> None:
    first = member("Jordan", "Pretend")
    second = member("Jordan", "Pertend")
    member("Sam", "Notreal")

    assert [(p.person, p.other) for p in review_queue(caseworker.user)] == [(first, second)]
    link = person_link_record(
        person=second, other=first, kind="same", recorded_by=caseworker.user, on=date(2026, 6, 15)
    )
    assert review_queue(caseworker.user) == []
    person_link_undo(
        link=link, undone_by=caseworker.user, on=date(2026, 6, 16), reason="Different mothers' names"
    )
    link.refresh_from_db()
    assert (link.undone_on, link.undo_reason) == (date(2026, 6, 16), "Different mothers' names")
    assert len(review_queue(caseworker.user)) == 1
    assert link.history.count() == 2


def test_review_queue_page_and_api_are_scoped_and_logged(client: Client, caseworker: StaffProfile) -> None:
    first = member("Jordan", "Pretend")
    second = member("Jordan", "Pertend")
    member("Jordan", "Pretend", agencies=("police",))
    client.force_login(caseworker.user)

    page = client.get("/people/duplicates/").content.decode()
    pairs = client_for(caseworker.user).get("/api/v1/possible-duplicates/").json()

    assert "1 pair to review" in page
    assert [(p["person"]["id"], p["other"]["id"]) for p in pairs] == [(first.pk, second.pk)]
    assert all(
        sorted(e.object_ids) == [first.pk, second.pk] for e in AccessLog.objects.filter(username="casey")
    )


def test_an_import_refuses_a_likely_duplicate_by_row(caseworker: StaffProfile) -> None:
    from imports.kinds.households import HouseholdsImport

    existing = member("Jordan", "Pretend")
    kind = HouseholdsImport(user=caseworker.user)
    row = {
        "case_reference": "MTF-777777",
        "ward": "E05005088",
        "opened_on": "2011-01-01",
        "closed_on": "",
        "basis": "consent",
        "agencies": "jcp",
        "given_name": "Jordan",
        "family_name": "Pertend",
        "date_of_birth": "1984-02-29",
        "nino": "",
        "sex": "",
        "relationship": "head",
        "joined_on": "",
    }
    from imports.core import RowError

    with pytest.raises(RowError) as refused:
        kind.parse(row, 2)
    assert refused.value.column == "given_name"
    assert f"likely the same person as Jordan Pretend born 29 February 1984 (person {existing.pk}" in str(
        refused.value
    )


@pytest.mark.parametrize("query", ["Jordon Pretand", "29/02/1984", "1984-02-29", "CT9", "ct9 4"])
def test_caseload_search_tolerates_spelling_and_finds_birth_dates_and_partial_postcodes(
    client: Client, caseworker: StaffProfile, query: str
) -> None:
    found = member("Jordan", "Pretend")
    household = found.memberships.get().household
    ResidenceFactory(household=household, property__postcode="CT9 4XY")
    other = member("Sam", "Notreal", born=date(1990, 1, 1))
    ResidenceFactory(household=other.memberships.get().household, property__postcode="CT10 1AA")
    client.force_login(caseworker.user)

    page = client.get("/households/", {"q": query, "cases": "all"}).content.decode()

    assert household.case_reference in page
    assert other.memberships.get().household.case_reference not in page


def test_caseload_opens_on_my_open_cases(client: Client, caseworker: StaffProfile) -> None:
    mine = shared_household(agency("jcp"), key_worker=caseworker)
    closed = shared_household(
        agency("jcp"), key_worker=caseworker, status="closed", closed_on=date(2012, 1, 1)
    )
    someone_elses = shared_household(agency("jcp"))
    client.force_login(caseworker.user)

    default = client.get("/households/").content.decode()
    every = client.get("/households/", {"cases": "all", "status": "any"}).content.decode()

    assert (
        mine.case_reference in default,
        closed.case_reference in default,
        someone_elses.case_reference in default,
    ) == (True, False, False)
    assert all(h.case_reference in every for h in (mine, closed, someone_elses))
    # A search looks through every case in scope, open or closed, unless narrowed to mine.
    assert "1 household<" in client.get("/households/", {"q": someone_elses.case_reference}).content.decode()
    assert "1 household<" in client.get("/households/", {"q": closed.case_reference}).content.decode()
    narrowed = client.get("/households/", {"q": someone_elses.case_reference, "cases": "mine"})
    assert "0 households" in narrowed.content.decode()


def test_ward_manager_sees_open_cases_per_worker(
    client: Client, ward_manager: StaffProfile, caseworker: StaffProfile
) -> None:
    shared_household(agency("jcp"), key_worker=caseworker)
    shared_household(agency("jcp"), key_worker=caseworker)
    shared_household(agency("jcp"))
    client.force_login(ward_manager.user)

    page = client.get("/households/").content.decode()

    assert "Open cases per caseworker" in page
    assert (
        f'key_worker={caseworker.pk}">Test {caseworker.user.last_name}</a></td><td class="govuk-table__cell">Jobcentre Plus</td><td class="govuk-table__cell govuk-table__cell--numeric">2</td>'
        in page
    )
    assert (
        'No key worker</td><td class="govuk-table__cell"></td><td class="govuk-table__cell govuk-table__cell--numeric">1</td>'
        in page
    )


@pytest.mark.parametrize(
    ("first_born", "born", "queued"),
    [
        (date(1984, 2, 28), date(1984, 2, 23), True),  # one digit of the day
        (date(1984, 2, 28), date(1984, 12, 28), True),  # one digit of the month
        (date(1984, 2, 28), date(1948, 2, 28), True),  # neighbouring digits of the year swapped
        (date(1984, 2, 8), date(1984, 8, 2), True),  # day and month swapped
        (date(1984, 2, 28), date(1943, 2, 28), False),  # the year two keystrokes away
        (date(1984, 2, 28), date(1984, 11, 28), False),  # the month two keystrokes away
        (date(1984, 2, 28), date(1984, 3, 27), False),  # two parts different
    ],
)
def test_review_queue_pairs_birth_dates_one_slip_apart_not_only_the_same(
    caseworker: StaffProfile, first_born: date, born: date, queued: bool
) -> None:
    first = member("Jordan", "Pretend", first_born)
    second = member("Jordan", "Pretend", born)
    pairs = [(p.person, p.other, p.reasons) for p in review_queue(caseworker.user)]
    assert pairs == ([(first, second, ("the same name", "a date of birth one slip apart"))] if queued else [])


def test_review_queue_page_shows_25_pairs_at_a_time_and_logs_only_those(
    client: Client, caseworker: StaffProfile
) -> None:
    pairs = []
    for i in range(27):
        born = date(1950 + i, 1 + i % 12, 1 + i % 28)
        pairs.append((member("Jordan", f"Pretend{i:02d}", born), member("Jordan", f"Pretend{i:02d}", born)))
    client.force_login(caseworker.user)

    first = client.get("/people/duplicates/").content.decode()
    second = client.get("/people/duplicates/?page=2").content.decode()

    assert "27 pairs to review: 1 to 25 shown" in first
    assert "27 pairs to review: 26 to 27 shown" in second
    assert first.count('name="kind" value="same"') == 25
    assert second.count('name="kind" value="same"') == 2
    logged = [sorted(e.object_ids) for e in AccessLog.objects.filter(username="casey").order_by("pk")]
    ranked = [(p.person.pk, p.other.pk) for p in review_queue(caseworker.user)]
    assert logged == [
        sorted(x for pair in ranked[:25] for x in pair),
        sorted(x for pair in ranked[25:] for x in pair),
    ]

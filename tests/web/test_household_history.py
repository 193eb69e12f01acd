"""The History page's "Changes to these records": who changed which of a household's records, when, through
which route, and what changed, read in a fixed number of queries and within the page's scope."""

from datetime import UTC, date, datetime

import pytest
from django.template.loader import render_to_string
from django.test import Client

from casework import selectors
from households import services
from households.models import DataSharingBasis, Household
from interventions.services import intervention_record, intervention_update
from taskforce.org import audit
from taskforce.org.models import AccessLog, StaffProfile
from tests.factories import (
    PersonFactory,
    ServiceFactory,
    StaffProfileFactory,
    UserFactory,
    agency,
    shared_household,
)

from .conftest import signed_in

pytestmark = pytest.mark.django_db


def history_url(household: Household) -> str:
    return f"/households/{household.pk}/history/"


def changes_of(household: Household, viewer: StaffProfile, **options: int) -> selectors.Changes:
    records = selectors.household_records(household=household, user=viewer.user)
    return selectors.household_changes(records=records, **options)


@pytest.fixture
def workers(db: None) -> tuple[StaffProfile, StaffProfile]:
    """Two caseworkers in Cliftonville West, either of whom may hold a case there."""
    return (
        StaffProfileFactory(user=UserFactory(username="jo", first_name="Jo", last_name="Smith")),
        StaffProfileFactory(user=UserFactory(username="sam", first_name="Sam", last_name="Jones")),
    )


@pytest.fixture
def household(db: None) -> Household:
    """A Cliftonville West case shared with Jobcentre Plus (the `caseworker` persona's agency)."""
    return shared_household(case_reference="MTF-000010")


def assign(
    household: Household, key_worker: StaffProfile, *, by: StaffProfile, at: datetime | None = None
) -> None:
    """Give the case to `key_worker` as `by` would through the key-worker page."""
    household._history_user = by.user  # type: ignore[attr-defined]
    if at is not None:
        household._history_date = at  # type: ignore[attr-defined]
    with audit.route("web"):
        services.household_assign(household=household, key_worker=key_worker)


def test_a_key_worker_change_shows_who_made_it_through_which_route_and_from_whom_to_whom(
    client: Client,
    caseworker: StaffProfile,
    ward_manager: StaffProfile,
    workers: tuple[StaffProfile, StaffProfile],
    household: Household,
) -> None:
    ward_manager.user.first_name, ward_manager.user.last_name = "Morgan", "Reed"
    ward_manager.user.save()
    jo, sam = workers
    # The case and its basis were recorded before the summer's changes.
    opened = datetime(2024, 6, 3, 8, 0, tzinfo=UTC)
    Household.history.filter(id=household.pk).update(history_date=opened)
    DataSharingBasis.history.filter(household=household).update(history_date=opened)
    assign(household, jo, by=ward_manager, at=datetime(2024, 7, 1, 9, 5, tzinfo=UTC))
    assign(household, sam, by=ward_manager, at=datetime(2024, 7, 1, 11, 30, tzinfo=UTC))

    latest, earlier = changes_of(household, caseworker)[:2]
    assert (latest.who, latest.route, latest.record, latest.what) == (
        "Morgan Reed",
        "web",
        "Household",
        ("Key worker: Jo Smith → Sam Jones",),
    )
    assert earlier.what == ("Key worker: none → Jo Smith",)
    assert (str(latest.at.tzinfo), latest.at.hour) == ("Europe/London", 12)  # British Summer Time

    page = signed_in(client, caseworker).get(history_url(household)).content.decode()
    assert page.index("Case opened") < page.index("Changes to these records")  # below the timeline
    assert "Key worker: Jo Smith → Sam Jones" in page
    assert "1 Jul 2024 12:30" in page
    assert page.index("Jo Smith → Sam Jones") < page.index("none → Jo Smith")  # newest first


def test_a_new_membership_and_intervention_appear_as_created(
    caseworker: StaffProfile, household: Household
) -> None:
    person = PersonFactory(given_name="Alex", family_name="Example")
    with audit.route("api"):
        services.membership_start(
            household=household, person=person, relationship="head", on=date(2011, 1, 4)
        )
        intervention_record(
            household=household,
            person=person,
            service=ServiceFactory(name="Housing options"),
            referred_on=date(2011, 2, 1),
        )

    changes = changes_of(household, caseworker)
    shown = {(c.record, c.what, c.route, c.who) for c in changes}
    assert ("Membership: Alex Example", ("Created",), "api", "System") in shown
    assert ("Intervention: Housing options", ("Created",), "api", "System") in shown
    assert ("Person: Alex Example", ("Created",), "", "System") in shown  # made outside any route
    assert ("Household", ("Created",), "", "System") in shown


def test_closing_a_case_shows_choices_by_label_and_dates_as_the_page_does(
    caseworker: StaffProfile, household: Household
) -> None:
    person = PersonFactory(given_name="Alex", family_name="Example")
    services.membership_start(household=household, person=person, relationship="head", on=date(2011, 1, 4))
    basis = household.sharing_bases.get()
    with audit.route("web"):
        services.household_close(household=household, on=date(2012, 3, 3))
        services.data_sharing_basis_cover(basis=basis, agencies=[agency("jcp"), agency("police")])

    changes = changes_of(household, caseworker)
    by_record: dict[str, list[tuple[str, ...]]] = {}
    for change in changes:
        by_record.setdefault(change.record, []).append(change.what)
    assert by_record["Household"] == [("Status: Open → Closed", "Closed on: none → 3 Mar 2012"), ("Created",)]
    assert by_record["Membership: Alex Example"] == [("Left on: none → 3 Mar 2012",), ("Created",)]
    assert by_record["Data-sharing basis: Consent"] == [
        ("Agencies: Jobcentre Plus → Jobcentre Plus, Kent Police",),
        ("Agencies: none → Jobcentre Plus",),
        ("Created",),
    ]


def test_saving_without_a_change_records_nothing_to_show(
    caseworker: StaffProfile, workers: tuple[StaffProfile, StaffProfile], household: Household
) -> None:
    jo, _ = workers
    assign(household, jo, by=caseworker)
    assign(household, jo, by=caseworker)
    assert [c.what for c in changes_of(household, caseworker) if c.record == "Household"] == [
        ("Key worker: none → Jo Smith",),
        ("Created",),
    ]


@pytest.mark.parametrize(("persona", "status"), [("policy_lead", 403), ("caseworker_police", 404)])
def test_who_may_not_see_the_case_gets_no_history(
    client: Client,
    persona: str,
    status: int,
    workers: tuple[StaffProfile, StaffProfile],
    household: Household,
    request: pytest.FixtureRequest,
) -> None:
    """A policy lead never sees a case; a Kent Police caseworker in the ward has no data-sharing basis."""
    assign(household, workers[0], by=workers[1])
    response = signed_in(client, request.getfixturevalue(persona)).get(history_url(household))
    assert response.status_code == status
    assert "Jo Smith" not in response.content.decode()
    # Refusals are logged as such; nothing was read.
    assert not AccessLog.objects.filter(outcome=AccessLog.Outcome.ALLOWED).exists()


def test_the_access_log_covers_everyone_the_changes_show(
    client: Client, caseworker: StaffProfile, household: Household
) -> None:
    member = PersonFactory(given_name="Alex", family_name="Example")
    services.membership_start(household=household, person=member, relationship="head", on=date(2011, 1, 4))
    intervention = intervention_record(
        household=household, person=member, service=ServiceFactory(), referred_on=date(2011, 2, 1)
    )
    outsider = PersonFactory(given_name="Robin", family_name="Elsewhere")
    with audit.route("api"):
        intervention_update(intervention=intervention, person=outsider)

    page = signed_in(client, caseworker).get(history_url(household)).content.decode()
    assert "Person: Alex Example → Robin Elsewhere" in page
    entry = AccessLog.objects.get(username="casey")
    assert (entry.action, entry.resource) == ("detail", "households.household")
    assert sorted(s.person_id for s in entry.subjects.all()) == sorted([member.pk, outsider.pk])


def test_only_the_newest_changes_are_shown_with_how_many_more_there_are(
    caseworker: StaffProfile, workers: tuple[StaffProfile, StaffProfile], household: Household
) -> None:
    jo, sam = workers
    for n in range(4):
        assign(household, (jo, sam)[n % 2], by=caseworker)
    changes = changes_of(household, caseworker, limit=2)
    assert [c.what for c in changes] == [
        ("Key worker: Jo Smith → Sam Jones",),
        ("Key worker: Sam Jones → Jo Smith",),
    ]
    assert (changes.total, changes.not_shown) == (7, 5)  # 4 assignments, the household, its basis twice
    line = render_to_string("casework/sections/_changes.html", {"changes": changes})
    assert "Showing the newest 2 of 7 changes: 5 earlier changes are not shown." in line


@pytest.mark.parametrize("assignments", [3, 30])
def test_the_query_count_does_not_grow_with_the_changes(
    client: Client,
    caseworker: StaffProfile,
    workers: tuple[StaffProfile, StaffProfile],
    household: Household,
    assignments: int,
    django_assert_num_queries,
) -> None:
    person = PersonFactory()
    services.membership_start(household=household, person=person, relationship="head", on=date(2011, 1, 4))
    intervention_record(
        household=household, person=person, service=ServiceFactory(), referred_on=date(2011, 2, 1)
    )
    for n in range(assignments):
        assign(household, workers[n % 2], by=caseworker)
    records = selectors.household_records(household=household, user=caseworker.user)
    with django_assert_num_queries(QUERIES["changes"]):
        assert len(selectors.household_changes(records=records)) == assignments + 6
    client = signed_in(client, caseworker)
    client.get(history_url(household))
    with django_assert_num_queries(QUERIES["page"]):
        assert client.get(history_url(household)).status_code == 200


# Raising one of these is a deliberate change: say why in the commit. The changes: one history query each for
# the household, its memberships, people, data-sharing bases (and one for the bases' agencies) and
# interventions, then one per related model named: the key workers and the agencies.
# The page reads three more than before case work: the household's case notes, assessments and plans (on the
# timeline and in the change history); with none of them, no prefetch or history query follows.
QUERIES = {"changes": 8, "page": 31}

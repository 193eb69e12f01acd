"""Refused and out-of-scope reads leave a trace, from the one place pages and the API open a record; the
probing alert finds a user trying many of them."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from casework.models import Task
from households.models import PersonLink
from privacy.selectors import probing_alerts
from taskforce.org.models import AccessLog, StaffProfile
from tests.factories import InterventionFactory, MembershipFactory, agency, shared_household

Outcome = AccessLog.Outcome


@pytest.fixture
def police_household(db: None) -> tuple[int, int]:
    household = shared_household(agency("police"))
    member = MembershipFactory(household=household)
    return household.pk, member.person_id


def test_another_agencys_household_through_the_api_is_404_and_logged(
    caseworker: StaffProfile, police_household: tuple[int, int]
) -> None:
    household, person = police_household
    api = APIClient()
    api.force_authenticate(caseworker.user)
    assert api.get(f"/api/v1/households/{household}/").status_code == 404
    entry = AccessLog.objects.get(outcome=Outcome.OUT_OF_SCOPE)
    assert (entry.username, entry.route, entry.resource, entry.object_ids) == (
        "casey",
        "api",
        "households.household",
        [household],
    )
    assert [s.person_id for s in entry.subjects.all()] == [person]


def test_an_id_that_does_not_exist_is_logged_without_people(caseworker: StaffProfile) -> None:
    api = APIClient()
    api.force_authenticate(caseworker.user)
    assert api.get("/api/v1/people/999999/").status_code == 404
    entry = AccessLog.objects.get(outcome=Outcome.OUT_OF_SCOPE)
    assert (entry.resource, entry.object_ids, entry.subjects.count()) == ("households.person", [999999], 0)


def test_another_agencys_household_page_is_404_and_logged(
    caseworker: StaffProfile, police_household: tuple[int, int]
) -> None:
    household, _ = police_household
    client = Client()
    client.force_login(caseworker.user)
    assert client.get(f"/households/{household}/").status_code == 404
    entry = AccessLog.objects.get(outcome=Outcome.OUT_OF_SCOPE)
    assert (entry.route, entry.resource, entry.object_ids) == ("web", "households.household", [household])


def test_a_role_refused_a_read_is_logged(
    policy_lead: StaffProfile, police_household: tuple[int, int]
) -> None:
    household, _ = police_household
    api = APIClient()
    api.force_authenticate(policy_lead.user)
    assert api.get(f"/api/v1/households/{household}/").status_code == 403
    client = Client()
    client.force_login(policy_lead.user)
    assert client.get(f"/households/{household}/").status_code == 403
    refused = AccessLog.objects.filter(outcome=Outcome.REFUSED).order_by("id")
    assert [(e.route, e.resource, e.object_ids) for e in refused] == [
        ("api", "households.household", [household]),
        ("web", "households.household", []),
    ]


def test_a_visible_household_is_logged_as_allowed_only(caseworker: StaffProfile) -> None:
    household = shared_household(agency("jcp"))
    api = APIClient()
    api.force_authenticate(caseworker.user)
    assert api.get(f"/api/v1/households/{household.pk}/").status_code == 200
    assert list(AccessLog.objects.values_list("outcome", flat=True)) == [Outcome.ALLOWED]


def _attempt(user: StaffProfile, at: timezone.datetime, outcome: str, pk: int) -> None:
    AccessLog.objects.create(
        user=user.user,
        username=user.user.username,
        route="api",
        action="detail",
        resource="households.household",
        object_ids=[pk],
        outcome=outcome,
        at=at,
    )


def test_probing_alert_counts_distinct_records_within_the_window(
    caseworker: StaffProfile, caseworker_police: StaffProfile
) -> None:
    now = timezone.now()
    # Ten distinct ids within 50 minutes: an alert.
    for i in range(10):
        _attempt(
            caseworker, now - timedelta(minutes=50) + timedelta(minutes=5 * i), Outcome.OUT_OF_SCOPE, 100 + i
        )
    # The same id ten times, and ten ids spread over ten hours: no alert.
    for i in range(10):
        _attempt(caseworker_police, now - timedelta(minutes=30), Outcome.OUT_OF_SCOPE, 7)
        _attempt(caseworker_police, now - timedelta(hours=20 - i), Outcome.OUT_OF_SCOPE, 200 + i)
    alerts = probing_alerts(now=now, threshold=10, window=timedelta(hours=1))
    assert [(a.username, a.out_of_scope_records, a.refused) for a in alerts] == [("casey", 10, 0)]
    assert probing_alerts(now=now, threshold=11, window=timedelta(hours=1)) == []


def test_probing_alert_counts_refusals_and_ignores_old_ones(policy_lead: StaffProfile) -> None:
    now = timezone.now()
    for i in range(4):
        _attempt(policy_lead, now - timedelta(minutes=i), Outcome.REFUSED, 1)
    for i in range(10):
        _attempt(policy_lead, now - timedelta(days=9, minutes=i), Outcome.REFUSED, 1)
    assert [a.refused for a in probing_alerts(now=now, threshold=4)] == [4]
    assert probing_alerts(now=now, threshold=5) == []


def test_probing_through_the_api_raises_the_alert_on_the_dpo_page(
    caseworker: StaffProfile, data_protection_officer: StaffProfile, settings: object
) -> None:
    settings.PRIVACY_PROBE_THRESHOLD = 3  # type: ignore[attr-defined]
    api = APIClient()
    api.force_authenticate(caseworker.user)
    for pk in (900001, 900002, 900003):
        assert api.get(f"/api/v1/households/{pk}/").status_code == 404
    client = Client()
    client.force_login(data_protection_officer.user)
    page = client.get("/privacy/").content.decode()
    assert "1 user tried many records they may not see" in page
    assert "casey" in page


def test_an_intervention_on_another_household_is_404_and_logged(caseworker: StaffProfile) -> None:
    mine = shared_household(agency("jcp"))
    theirs = InterventionFactory(household=shared_household(agency("police")))
    client = Client()
    client.force_login(caseworker.user)
    # Their intervention's id under a household the caseworker may see: not found, and traced.
    assert client.get(f"/households/{mine.pk}/interventions/{theirs.pk}/edit/").status_code == 404
    entry = AccessLog.objects.get(outcome=Outcome.OUT_OF_SCOPE)
    assert (entry.resource, entry.object_ids) == ("interventions.intervention", [theirs.pk])


def test_out_of_scope_people_tasks_and_links_opened_from_pages_are_404_and_logged(
    caseworker: StaffProfile, police_household: tuple[int, int]
) -> None:
    """The duplicates queue, the task list and link undo open records by id too: a miss leaves the same
    trace as a household page."""
    household, person = police_household
    mine = MembershipFactory(household=shared_household(agency("jcp")))
    task = Task.objects.create(
        title="Police visit", due_on=timezone.localdate(), household_id=household, team=agency("police")
    )
    link = PersonLink.objects.create(
        person_id=min(person, mine.person_id),
        other_id=max(person, mine.person_id),
        kind=PersonLink.Kind.DISTINCT,
        recorded_on=timezone.localdate(),
    )
    client = Client()
    client.force_login(caseworker.user)
    decide = {"person": str(mine.person_id), "other": str(person), "kind": "same"}
    assert client.post("/people/duplicates/decide/", decide).status_code == 404
    assert client.post(f"/tasks/{task.pk}/done/").status_code == 404
    assert client.post(f"/people/links/{link.pk}/undo/", {"reason": "Checked again"}).status_code == 404
    entries = AccessLog.objects.filter(outcome=Outcome.OUT_OF_SCOPE).order_by("pk")
    assert [(e.route, e.resource, e.object_ids) for e in entries] == [
        ("web", "households.person", [person]),
        ("web", "casework.task", [task.pk]),
        ("web", "households.personlink", [link.pk]),
    ]
    assert [sorted(s.person_id for s in e.subjects.all()) for e in entries][:2] == [[person], [person]]
    assert not PersonLink.objects.filter(kind=PersonLink.Kind.SAME).exists()

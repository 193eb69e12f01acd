"""Service suite: optimistic concurrency under real contention. Two threads, each with its own PostgreSQL
connection and API client, read the same record (one ETag) and write it at the same moment with If-Match:
exactly one write wins, the other is refused with 412, and the row holds the winner's change only.
"""

import threading
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, models

from api.views import base, casework
from households.models import Household, Property
from interventions.models import Intervention
from taskforce.org.models import StaffProfile
from tests.api.conftest import client_for
from tests.factories import InterventionFactory, PropertyFactory, agency, shared_household

pytestmark = [pytest.mark.service, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# How long each writer holds the window between its If-Match check and its write open: long enough that,
# without the row lock, both writers would pass the check before either had written.
WINDOW = 0.3


@pytest.fixture(autouse=True)
def _a_slow_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hold each write open between the check and the write, as a slow validation or history write would."""
    check = base.require_current

    def slow(request: Any, instance: models.Model) -> None:
        check(request, instance)
        time.sleep(WINDOW)

    # Updates (base) and a household's assignment (casework) each check If-Match.
    for module in (base, casework):
        monkeypatch.setattr(module, "require_current", slow)


@dataclass
class Outcome:
    read_etags: list[str]
    statuses: list[int]
    bodies: list[Any]

    @property
    def winner(self) -> int:
        return self.statuses.index(200)


def race(*, user: StaffProfile, read: str, write: str, method: str, bodies: list[dict[str, Any]]) -> Outcome:
    """Two writers, each in its own thread (so its own database connection) with its own client: both read
    `read`, wait for each other, then send their body to `write` with the ETag they read."""
    barrier = threading.Barrier(2, timeout=20)
    etags: list[str] = ["", ""]
    statuses = [0, 0]
    responses: list[Any] = [None, None]
    errors: list[BaseException] = []

    def writer(i: int) -> None:
        try:
            client = client_for(get_user_model().objects.get(pk=user.user_id))
            etags[i] = client.get(read)["ETag"]
            barrier.wait()
            response = getattr(client, method)(write, bodies[i], format="json", HTTP_IF_MATCH=etags[i])
            statuses[i], responses[i] = response.status_code, response.json()
        except BaseException as error:  # reported by the test thread, which can fail the test
            errors.append(error)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a writer is still waiting: a deadlock?"
    assert errors == []
    return Outcome(etags, statuses, responses)


def assert_one_wins(outcome: Outcome) -> None:
    assert outcome.read_etags[0] == outcome.read_etags[1]
    assert sorted(outcome.statuses) == [200, 412], outcome.bodies
    loser = outcome.bodies[1 - outcome.winner]
    assert loser == {
        "detail": "The record has changed since you read it: read it again and reapply your change."
    }


def changes_of(record: models.Model) -> int:
    return type(record).history.filter(id=record.pk).count()  # type: ignore[attr-defined]


@pytest.mark.parametrize("round_", [1, 2])
def test_of_two_simultaneous_updates_of_a_household_one_wins(caseworker: StaffProfile, round_: int) -> None:
    household = shared_household(agency("jcp"))
    before = changes_of(household)
    days = ["2010-09-02", "2010-09-03"]
    url = f"/api/v1/households/{household.pk}/"
    outcome = race(
        user=caseworker, read=url, write=url, method="patch", bodies=[{"opened_on": d} for d in days]
    )
    assert_one_wins(outcome)
    household.refresh_from_db()
    assert str(household.opened_on) == days[outcome.winner]
    assert changes_of(household) == before + 1
    # The refused writer reads again and reapplies its change: nothing is left locked.
    client = client_for(caseworker.user)
    etag = client.get(url)["ETag"]
    assert etag != outcome.read_etags[0]
    again = client.patch(url, {"opened_on": days[1 - outcome.winner]}, format="json", HTTP_IF_MATCH=etag)
    assert again.status_code == 200
    household.refresh_from_db()
    assert str(household.opened_on) == days[1 - outcome.winner]


def test_of_two_simultaneous_updates_of_an_intervention_one_wins(caseworker: StaffProfile) -> None:
    intervention = InterventionFactory(household=shared_household(agency("jcp")))
    before = changes_of(intervention)
    costs = ["120.00", "340.00"]
    url = f"/api/v1/interventions/{intervention.pk}/"
    outcome = race(user=caseworker, read=url, write=url, method="patch", bodies=[{"cost": c} for c in costs])
    assert_one_wins(outcome)
    assert Intervention.objects.get(pk=intervention.pk).cost == Decimal(costs[outcome.winner])
    assert changes_of(intervention) == before + 1


def test_of_two_simultaneous_updates_of_a_property_one_wins(housing_officer: StaffProfile) -> None:
    home = PropertyFactory()
    landlords = ["Thanet Lettings Ltd", "Cliftonville Homes"]
    url = f"/api/v1/properties/{home.pk}/"
    outcome = race(
        user=housing_officer, read=url, write=url, method="patch", bodies=[{"landlord": n} for n in landlords]
    )
    assert_one_wins(outcome)
    assert Property.objects.get(pk=home.pk).landlord == landlords[outcome.winner]


def test_of_two_simultaneous_assignments_of_a_case_one_wins(
    ward_manager: StaffProfile, caseworker: StaffProfile, caseworker_police: StaffProfile
) -> None:
    household = shared_household(agency("jcp"))
    workers = [caseworker.pk, caseworker_police.pk]
    outcome = race(
        user=ward_manager,
        read=f"/api/v1/households/{household.pk}/",
        write=f"/api/v1/households/{household.pk}/assign/",
        method="post",
        bodies=[{"key_worker": w} for w in workers],
    )
    assert_one_wins(outcome)
    assert Household.objects.get(pk=household.pk).key_worker_id == workers[outcome.winner]

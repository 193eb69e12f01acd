"""Out-of-scope records do not exist for the caller: 404 on detail, absent from lists, counts, searches and
exports. Personal data never reaches a policy lead."""

import pytest

from taskforce.org.models import StaffProfile
from tests.api.conftest import client_for
from tests.factories import (
    InterventionFactory,
    MembershipFactory,
    PersonFactory,
    agency,
    shared_household,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs() -> dict[str, int]:
    """A household shared only with Kent Police, with a member called Hidden and an intervention."""
    household = shared_household(agency("police"), case_reference="MTF-900001")
    member = MembershipFactory(household=household, person=PersonFactory(family_name="Hidden"))
    intervention = InterventionFactory(household=household, notes='=HYPERLINK("http://x")')
    return {"households": household.pk, "people": member.person_id, "interventions": intervention.pk}


@pytest.fixture
def mine() -> dict[str, int]:
    household = shared_household(agency("jcp"), case_reference="MTF-000001")
    member = MembershipFactory(household=household, person=PersonFactory(family_name="Shown"))
    intervention = InterventionFactory(household=household)
    return {"households": household.pk, "people": member.person_id, "interventions": intervention.pk}


@pytest.mark.parametrize("resource", ["households", "people", "interventions"])
def test_out_of_scope_detail_is_not_found(
    resource: str, caseworker: StaffProfile, theirs: dict[str, int], mine: dict[str, int]
) -> None:
    client = client_for(caseworker.user)
    assert client.get(f"/api/v1/{resource}/{mine[resource]}/").status_code == 200
    assert client.get(f"/api/v1/{resource}/{theirs[resource]}/").status_code == 404


@pytest.mark.parametrize("resource", ["households", "people", "interventions"])
def test_out_of_scope_records_are_absent_from_lists_counts_and_exports(
    resource: str, caseworker: StaffProfile, theirs: dict[str, int], mine: dict[str, int]
) -> None:
    client = client_for(caseworker.user)
    listed = client.get(f"/api/v1/{resource}/").json()
    assert (listed["count"], [row["id"] for row in listed["results"]]) == (1, [mine[resource]])
    exported = client.get(f"/api/v1/{resource}/export/").content.decode().splitlines()
    assert [line.split(",")[0] for line in exported[1:]] == [str(mine[resource])]


def test_search_finds_nothing_out_of_scope(
    caseworker: StaffProfile, theirs: dict[str, int], mine: dict
) -> None:  # type: ignore[type-arg]
    client = client_for(caseworker.user)
    assert client.get("/api/v1/people/", {"search": "Hidden"}).json()["count"] == 0
    assert client.get("/api/v1/people/", {"search": "Shown"}).json()["count"] == 1
    assert client.get("/api/v1/households/", {"search": "MTF-900001"}).json()["count"] == 0


def test_filtering_by_an_out_of_scope_household_returns_nothing(
    caseworker: StaffProfile, theirs: dict[str, int]
) -> None:
    client = client_for(caseworker.user)
    response = client.get("/api/v1/interventions/", {"household": theirs["households"]})
    assert (response.status_code, response.json()["count"]) == (200, 0)


def test_an_out_of_scope_household_cannot_be_written_to(
    caseworker: StaffProfile, theirs: dict[str, int]
) -> None:
    client = client_for(caseworker.user)
    response = client.post(
        "/api/v1/people/",
        {
            "given_name": "New",
            "family_name": "Member",
            "date_of_birth": "1990-01-01",
            "household": theirs["households"],
            "relationship": "child",
            "joined_on": "2011-01-01",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "household" in response.json()
    assert "Hidden" not in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/api/v1/people/", "/api/v1/people/?search=Hidden", "/api/v1/people/export/"]
)
def test_policy_lead_gets_no_person_from_any_list_search_or_export(
    url: str, policy_lead: StaffProfile, theirs: dict[str, int], mine: dict[str, int]
) -> None:
    response = client_for(policy_lead.user).get(url)
    assert response.status_code == 403
    assert "Hidden" not in response.content.decode()
    assert "Shown" not in response.content.decode()


def test_policy_lead_cannot_request_a_subject_access_export(
    policy_lead: StaffProfile, caseworker: StaffProfile, theirs: dict[str, int]
) -> None:
    for user in (policy_lead.user, caseworker.user):
        assert client_for(user).get(f"/api/v1/subject-access/{theirs['people']}/").status_code == 403
        assert client_for(user).get(f"/api/v1/subject-access/{theirs['people']}/csv/").status_code == 403


def test_ward_manager_breaks_glass_to_open_a_household_outside_their_wards(
    ward_manager: StaffProfile, data_protection_officer: StaffProfile
) -> None:
    from tests.factories import ward

    ward_manager.wards.set([ward("E05005093")])
    household = shared_household(agency("police"))
    client = client_for(ward_manager.user)
    assert client.get(f"/api/v1/households/{household.pk}/").status_code == 404
    refused = client.post("/api/v1/break-glass/", {"household": household.case_reference, "reason": "x"})
    assert refused.status_code == 400
    assert "reason" in refused.json()
    opened = client.post(
        "/api/v1/break-glass/",
        {"household": household.case_reference, "reason": "Police safeguarding call, child at risk"},
    )
    assert opened.status_code == 201
    assert client.get(f"/api/v1/households/{household.pk}/").status_code == 200
    seen_by_dpo = (
        client_for(data_protection_officer.user).get("/api/v1/audit/", {"action": "break_glass"}).json()
    )
    assert [(e["username"], e["purpose"]) for e in seen_by_dpo["results"]] == [
        ("morgan", "Police safeguarding call, child at risk")
    ]

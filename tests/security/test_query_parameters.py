"""The API takes what its schema says and no more: a list refuses a query parameter it does not take (400
naming it), and a well-formed id that names nothing is a 404 (detail) or an empty list (filter), never 400."""

import pytest

from api.urls import router
from taskforce.org.models import StaffProfile
from tests.api.conftest import World, client_for

pytestmark = pytest.mark.django_db

PERSONAS = ["caseworker", "housing_officer", "ward_manager", "policy_lead", "data_protection_officer"]
NOT_LISTS = {"subject-access"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_list_refuses_a_parameter_it_does_not_take(
    world: World, request: pytest.FixtureRequest, persona: str
) -> None:
    api = client_for(request.getfixturevalue(persona).user)
    answered = 0
    for prefix, _viewset, _name in router.registry:
        if prefix in NOT_LISTS:
            continue
        response = api.get(f"/api/v1/{prefix}/", {"wrad": "E05005088"})
        if response.status_code in {401, 403}:
            continue
        answered += 1
        assert response.status_code == 400, prefix
        assert "Unknown query parameter" in response.json()["wrad"][0], prefix
    assert answered >= 5


def test_the_refusal_says_which_parameters_the_list_takes(caseworker: StaffProfile) -> None:
    response = client_for(caseworker.user).get("/api/v1/households/", {"ward_id": "1"})
    message = response.json()["ward_id"][0]
    assert "page" in message
    assert "search" in message
    assert "ward" in message


def test_documented_parameters_are_still_taken(world: World, caseworker: StaffProfile) -> None:
    api = client_for(caseworker.user)
    response = api.get("/api/v1/households/", {"ward": "1", "page": "1", "page_size": "10", "search": "MTF"})
    assert response.status_code == 200
    assert api.get("/api/v1/households/export/", {"ward": "1"}).status_code == 200
    assert api.get("/api/v1/households/export/", {"page": "1"}).status_code == 400


def test_aggregates_refuse_an_unknown_parameter(ward_manager: StaffProfile) -> None:
    response = client_for(ward_manager.user).get("/api/v1/aggregates/", {"year": "2012"})
    assert response.status_code == 400
    assert "year" in response.json()


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_well_formed_id_that_names_nothing_is_404(
    world: World, request: pytest.FixtureRequest, persona: str
) -> None:
    api = client_for(request.getfixturevalue(persona).user)
    for prefix, _viewset, _name in router.registry:
        if prefix in {"tokens", "aggregates"}:  # tokens have no detail; aggregates are named by slug
            continue
        for id_ in ("999999999", "99999999999999999999"):
            assert api.get(f"/api/v1/{prefix}/{id_}/").status_code in {401, 403, 404}, (prefix, id_)


def test_a_filter_by_an_id_larger_than_any_is_an_empty_list(world: World, caseworker: StaffProfile) -> None:
    response = client_for(caseworker.user).get("/api/v1/people/", {"household": str(2**70)})
    assert response.status_code == 200
    assert response.json()["count"] == 0

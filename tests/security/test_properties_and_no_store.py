"""API and page agree on who sees the property register, and no response carrying personal data may be
kept by a cache (`Cache-Control: no-store`)."""

import pytest
from django.test import Client

from households.models import Property
from taskforce.org.models import StaffProfile
from taskforce.org.services import api_token_create
from tests.api.conftest import client_for
from tests.factories import PropertyFactory, ResidenceFactory, agency, shared_household

pytestmark = pytest.mark.django_db


def test_caseworker_refused_the_register_page_lists_only_the_homes_of_their_households(
    client: Client, caseworker: StaffProfile
) -> None:
    theirs = shared_household(agency("jcp"))
    home = ResidenceFactory(household=theirs).property
    PropertyFactory.create_batch(3)  # in the caseworker's ward, nobody of theirs lives there
    client.force_login(caseworker.user)
    assert client.get("/properties/").status_code == 403
    listed = client_for(caseworker.user).get("/api/v1/properties/").json()["results"]
    assert [row["id"] for row in listed] == [home.pk]


def test_caseworker_may_still_name_any_home_in_their_ward_for_a_move(caseworker: StaffProfile) -> None:
    theirs = shared_household(agency("jcp"))
    new_home = PropertyFactory()
    response = client_for(caseworker.user).post(
        "/api/v1/residences/", {"household": theirs.pk, "property": new_home.pk, "moved_in": "2026-06-01"}
    )
    assert response.status_code == 201, response.content
    assert Property.objects.visible_to(caseworker.user).filter(pk=new_home.pk).exists()


def test_housing_officer_sees_the_same_register_on_the_page_and_through_the_api(
    client: Client, housing_officer: StaffProfile
) -> None:
    homes = {p.pk for p in PropertyFactory.create_batch(3)}
    client.force_login(housing_officer.user)
    assert client.get("/properties/").status_code == 200
    listed = client_for(housing_officer.user).get("/api/v1/properties/").json()["results"]
    assert {row["id"] for row in listed} == homes


@pytest.mark.parametrize("path", ["/api/v1/households/", "/api/v1/properties/", "/api/v1/nonsense/"])
def test_every_api_response_says_no_store(client: Client, caseworker: StaffProfile, path: str) -> None:
    shared_household(agency("jcp"))
    _token, key = api_token_create(user=caseworker.user, name="script")
    response = client.get(path, HTTP_AUTHORIZATION=f"Token {key}")
    assert "no-store" in response["Cache-Control"]
    assert "no-store" in client.get(path)["Cache-Control"]  # anonymous: 401, still not kept


@pytest.mark.parametrize("path", ["/", "/households/", "/properties/"])
def test_pages_for_a_signed_in_user_say_no_store(
    client: Client, ward_manager: StaffProfile, path: str
) -> None:
    client.force_login(ward_manager.user)
    response = client.get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_api_answers_a_browser_in_json_not_the_browsable_html(caseworker: StaffProfile) -> None:
    """DRF's browsable pages failed axe (no language, low contrast) and drew personal data outside the
    GOV.UK pages: a browser asking for HTML gets the JSON."""
    api = client_for(caseworker.user)
    response = api.get("/api/v1/households/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")

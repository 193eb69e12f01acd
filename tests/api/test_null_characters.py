"""Text holding a NUL character is refused with a 400 naming the field, on any database (PostgreSQL cannot
store or compare it, which would otherwise be a server error)."""

import pytest
from rest_framework.test import APIClient

from tests.factories import shared_household

pytestmark = pytest.mark.django_db


def test_a_code_with_a_nul_character_is_a_400_naming_the_field(caseworker) -> None:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(caseworker.user)
    household = shared_household(caseworker.agency)
    response = client.post(
        "/api/v1/placements/",
        {
            "household": household.pk,
            "placing_authority": "Example Borough Council",
            "type": "ta\x00",
            "legal_basis": "other",
            "placed_on": "2011-01-01",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["type"] == ["Null characters are not allowed."]


def test_free_text_with_a_nul_character_is_a_400_too(housing_officer) -> None:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(housing_officer.user)
    response = client.post(
        "/api/v1/properties/",
        {
            "address_line_1": "1 Example\x00 Row",
            "town": "Margate",
            "postcode": "CT9 1AA",
            "tenure": "private",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["address_line_1"] == ["Null characters are not allowed."]

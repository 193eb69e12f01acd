"""The navigation offers a role exactly the sections whose pages answer that role: every role against every
section, the link shown if and only if the page opens (a ward manager was once shown "Evidence pack", 403)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from taskforce.org.models import StaffProfile
from taskforce.templatetags.taskforce_tags import SECTIONS

pytestmark = pytest.mark.django_db

PERSONAS = ["caseworker", "housing_officer", "ward_manager", "policy_lead", "data_protection_officer"]


def _navigation(client: Client) -> set[str]:
    page = client.get("/").content.decode()
    return set(re.findall(r'class="govuk-service-navigation__link" href="([^"]+)"', page))


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("label", "name"), [(label, name) for label, name, _gate in SECTIONS])
def test_a_section_is_offered_exactly_when_its_page_opens(
    client: Client, request: pytest.FixtureRequest, persona: str, label: str, name: str
) -> None:
    profile: StaffProfile = request.getfixturevalue(persona)
    client.force_login(profile.user)
    href = reverse(name)
    offered = href in _navigation(client)
    status = client.get(href).status_code
    assert status in {200, 403}
    assert offered == (status == 200), f"{label} for {persona}: offered={offered}, page answered {status}"


def test_ward_manager_is_not_offered_the_evidence_pack(client: Client, ward_manager: StaffProfile) -> None:
    client.force_login(ward_manager.user)
    assert reverse("outcomes:evidence") not in _navigation(client)
    assert reverse("outcomes:dashboard") in _navigation(client)

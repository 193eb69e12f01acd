"""The form to request an analysis: its parameters grouped by the kinds that use them, GOV.UK errors beside
each field, and a field of another kind ignored."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from outcomes.forms import USES, AnalysisForm
from outcomes.models import AnalysisRun
from taskforce.org.models import StaffProfile

pytestmark = pytest.mark.django_db


def client_for(profile: StaffProfile) -> Client:
    client = Client()
    client.force_login(profile.user)
    return client


def test_every_parameter_shows_without_javascript_in_a_group_naming_its_kinds(
    policy_lead: StaffProfile,
) -> None:
    page = client_for(policy_lead).get(reverse("outcomes:analyses")).content.decode()
    groups = dict(
        re.findall(
            r'<fieldset class="govuk-fieldset" data-kinds="([^"]+)">\s*<legend[^>]*>([^<]+)</legend>', page
        )
    )
    assert groups == {
        "gap": "Parameters for gap to kent average (descriptive)",
        "area-impact its": "Parameters for area impact and comparative interrupted time series",
        "area-impact": "Parameters for area impact",
        "household-impact": "Parameters for household impact",
        "savings": "Parameters for savings (green book)",
    }
    for name in AnalysisForm.base_fields:
        assert f'name="analysis-{name}"' in page, name
    assert 'src="/static/outcomes/analysis-form.js"' in page


def test_each_kind_uses_the_groups_that_name_it() -> None:
    assert USES["area-impact"] == ("measure", "start", "method", "placebos")
    assert USES["its"] == ("measure", "start")
    assert USES["matched"] == ()


def test_an_error_is_shown_beside_its_field_and_in_the_summary(policy_lead: StaffProfile) -> None:
    response = client_for(policy_lead).post(
        reverse("outcomes:analyses"),
        {"analysis-kind": "area-impact", "analysis-start": "September", "analysis-placebos": "3"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert '<a href="#id_analysis-start">Enter the start as a year and month, like 2010-09</a>' in page
    assert (
        '<p id="id_analysis-start-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:'
        "</span> Enter the start as a year and month, like 2010-09</p>" in page
    )
    assert "Placebo fits must be 10 or more" in page
    assert 'aria-describedby="id_analysis-start-hint id_analysis-start-error"' in page
    assert not AnalysisRun.objects.exists()


def test_a_mistake_in_another_kinds_field_stops_nothing(
    policy_lead: StaffProfile, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=False):
        response = client_for(policy_lead).post(
            reverse("outcomes:analyses"),
            {"analysis-kind": "savings", "analysis-effect": "-2.5", "analysis-start": "September"},
        )
    assert response.status_code == 302
    assert AnalysisRun.objects.get().parameters == {"effect": -2.5}

"""Property-based tests of every operation against the live schema, in process: valid and invalid inputs.
No response may be a server error or disagree with the schema (status, content type, headers, body).

Two of schemathesis' checks judge leniency rather than conformance and are left out: valid-looking data is
often refused for good reason (an id that exists nowhere, a record out of scope: 400 or 404), and malformed
optional parameters are ignored rather than refused (an empty filter, a bad page_size), as DRF and
django-filter do.
"""

from collections.abc import Iterator
from datetime import date

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from taskforce.org.models import StaffProfile
from taskforce.org.services import api_token_create
from taskforce.wsgi import application
from tests.api.conftest import World
from tests.factories import HouseholdFactory, ward

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
schema.config.phases.coverage.enabled = False


@pytest.fixture(autouse=True)
def _keep_the_test_transaction() -> Iterator[None]:
    """The WSGI handler closes the connection after each request; the test's transaction lives on it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(world: World, caseworker: StaffProfile, housing_officer: StaffProfile) -> str:
    return api_token_create(user=caseworker.user, name="schemathesis")[1]


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case: schemathesis.Case, token: str) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        excluded_checks=[negative_data_rejection, positive_data_acceptance],
    )


@pytest.fixture
def manager_token(world: World, ward_manager: StaffProfile, caseworker: StaffProfile) -> str:
    # A case open with its key worker in every year a period can name: outcomes.dashboards cannot yet draw
    # a ward manager's caseload table for a period that ends with nobody's case open.
    for code in ("E05005088", "E05005093"):
        HouseholdFactory(ward=ward(code), opened_on=date(2006, 1, 1), key_worker=caseworker)
    return api_token_create(user=ward_manager.user, name="schemathesis")[1]


@pytest.mark.django_db
@schema.include(path_regex="/aggregates/").parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_aggregates_conform_to_their_schema_for_a_role_that_reads_them(
    case: schemathesis.Case, manager_token: str
) -> None:
    """The caseworker above is refused the aggregates: here their tables themselves are checked."""
    case.call_and_validate(
        headers={"Authorization": f"Token {manager_token}"},
        excluded_checks=[negative_data_rejection, positive_data_acceptance],
    )

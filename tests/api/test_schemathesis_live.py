"""Service suite: the schema's own property-based tests against a live server (a real HTTP server on
PostgreSQL), with each role's token, bounded to a few examples an operation. No response may be a server
error or disagree with the schema; the in-process run (test_schemathesis.py) covers more examples, for two
roles."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from pytest_django.live_server_helper import LiveServer
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from taskforce.org.models import StaffProfile
from taskforce.org.services import api_token_create
from taskforce.wsgi import application
from tests.api.conftest import World

pytestmark = [pytest.mark.service, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PERSONAS = ("caseworker", "housing_officer", "ward_manager", "policy_lead", "data_protection_officer")
# Each operation is tried this many times for every role: about 85 operations x 5 roles x 3 examples.
EXAMPLES = 3


# The operations come from the schema the app serves (read in process once, at collection); every request
# then goes over HTTP to the live server.
live = schemathesis.openapi.from_dict(
    schemathesis.openapi.from_wsgi("/api/v1/schema/", application).raw_schema
)
live.config.phases.coverage.enabled = False


@pytest.fixture
def tokens(world: World, request: pytest.FixtureRequest) -> dict[str, str]:
    profiles: dict[str, StaffProfile] = {p: request.getfixturevalue(p) for p in PERSONAS}
    return {
        p: api_token_create(user=profile.user, name="live", two_factor=True)[1]
        for p, profile in profiles.items()
    }


@live.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_live_api_conforms_to_its_schema_for_every_role(
    case: schemathesis.Case, tokens: dict[str, str], live_server: LiveServer
) -> None:
    for token in tokens.values():
        case.call_and_validate(
            base_url=live_server.url,
            headers={"Authorization": f"Token {token}"},
            excluded_checks=[negative_data_rejection, positive_data_acceptance],
        )

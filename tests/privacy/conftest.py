"""The data protection officer's workspace: personas sign in through the browser session."""

import pytest
from pytest_django.fixtures import Settings


@pytest.fixture(autouse=True)
def _no_second_factor(settings: Settings) -> None:
    settings.TASKFORCE_REQUIRE_2FA = False

"""The API suite's world (one record per endpoint), for the security tests that probe every endpoint."""

from tests.api.conftest import world  # noqa: F401

"""Who can do what: every operation in the OpenAPI schema, for every role and for anonymous callers.

Allowed reads answer 200; allowed writes get past permissions and fail on the empty body (400) or on the
missing If-Match (428), so no test writes anything; roles outside an endpoint get 403, anonymous 401.
"""

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.api.conftest import World, client_for

CASEWORKER, HOUSING, MANAGER, POLICY, DPO, ADMIN = (
    "caseworker",
    "housing_officer",
    "ward_manager",
    "policy_lead",
    "data_protection_officer",
    "administrator",
)
EVERYONE = frozenset({CASEWORKER, HOUSING, MANAGER, POLICY, DPO, ADMIN})
CASES = frozenset({CASEWORKER, MANAGER})
HOMES = frozenset({CASEWORKER, HOUSING, MANAGER})
HOUSING_RECORDS = frozenset({HOUSING, MANAGER})
STAFF = frozenset({CASEWORKER, HOUSING, MANAGER, POLICY, DPO})

READ = {
    "households": CASES,
    "people": CASES,
    "memberships": CASES,
    "residences": CASES,
    "data-sharing-bases": CASES,
    "placements": CASES,
    "interventions": CASES,
    "referrals": CASES,
    "referrals/inbox": CASES,
    "person-links": CASES,
    "possible-duplicates": CASES,
    "benefit-records": CASES,
    "case-notes": CASES,
    "assessments": CASES,
    "case-plans": CASES,
    "plan-reviews": CASES,
    "plan-goals": CASES,
    "plan-actions": CASES,
    "tasks": STAFF,
    "properties": HOMES,
    "licences": HOUSING_RECORDS,
    "inspections": HOUSING_RECORDS,
    "hazard-findings": HOUSING_RECORDS,
    "enforcement-actions": HOUSING_RECORDS,
    "designations": EVERYONE,
    "public-register": EVERYONE,
    "areas": EVERYONE,
    "agencies": EVERYONE,
    "services": EVERYONE,
    "area-statistics": EVERYONE,
    "jobs": EVERYONE,
    "tokens": EVERYONE,
    "staff": frozenset({ADMIN}),
    "audit": frozenset({DPO}),
    "subject-access": frozenset({DPO}),
    "break-glass": frozenset({MANAGER, DPO}),
    "analysis-runs": frozenset({POLICY, MANAGER}),
    "retention": frozenset({DPO}),
    "imports": frozenset({CASEWORKER, HOUSING, MANAGER, POLICY}),
    "aggregates": frozenset({MANAGER, POLICY}),
    "subject-access-requests": frozenset({DPO}),
    "sharing-agreements": frozenset({DPO}),
    "placing-authorities": EVERYONE,
    "agreement-signatories": EVERYONE,
    "boundaries": EVERYONE,
    "s208-notices": frozenset(),
}
WRITE = {
    **dict.fromkeys(
        [
            "households",
            "people",
            "memberships",
            "residences",
            "data-sharing-bases",
            "placements",
            "interventions",
            "referrals",
            "case-notes",
            "assessments",
            "case-plans",
            "plan-reviews",
            "plan-goals",
            "plan-actions",
        ],
        frozenset({CASEWORKER}),
    ),
    **dict.fromkeys(
        ["properties", "licences", "inspections", "hazard-findings", "enforcement-actions", "designations"],
        frozenset({HOUSING}),
    ),
    "tokens": EVERYONE,
    "tasks": STAFF,
    "break-glass": frozenset({MANAGER}),
    "analysis-runs": frozenset({POLICY, MANAGER}),
    "imports": frozenset({CASEWORKER, HOUSING, MANAGER, POLICY}),
    "assign": frozenset({MANAGER}),
    "s208-notices": frozenset({CASEWORKER}),
    # Answering referrals in one's own agency's inbox, and linking person records.
    "referrals/inbox": CASES,
    "person-links": CASES,
}
# The Agreement register's published figures: the dashboards' audience.
REGISTER = frozenset({MANAGER, POLICY})
# Open to anyone, signed in or not: the statutory public register of licences (Housing Act 2004 s232).
PUBLIC = {"public-register"}
# Records that belong to one user (or, for the inbox, to the caseworker's agency): others find nothing there.
OWNED_BY_CASEWORKER = {"jobs", "tokens", "referrals/inbox", "tasks"}
# Probed with an id that exists nowhere: a permitted role gets 404 wherever an id is in the path.
NO_RECORD = {"imports"}


def operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (method.upper(), path)
        for path, methods in schema["paths"].items()
        for method in methods
        if method in {"get", "post", "patch", "put", "delete"}
    )


OPERATIONS = operations()


def resource_of(path: str) -> str:
    """The first path segment after api/v1, or referrals/inbox for the inbox under referrals."""
    parts = path.strip("/").split("/")[2:]
    return "referrals/inbox" if parts[:2] == ["referrals", "inbox"] else parts[0]


def expected_status(persona: str, method: str, path: str) -> int:
    parts = path.strip("/").split("/")[2:]  # after api/v1
    if parts[0] in PUBLIC:
        return 200
    if persona == "anonymous":
        return 401
    resource, detail = resource_of(path), "{id}" in parts
    if parts[-1] == "register":
        return 200 if persona in REGISTER else 403
    if parts[-1] == "assign":
        return 400 if persona in WRITE["assign"] else 403
    if resource in NO_RECORD and detail:
        allowed = READ[resource] if method == "GET" else WRITE[resource]
        return 404 if persona in allowed else 403
    if method == "GET":
        if persona not in READ[resource]:
            return 403
        if detail and resource in OWNED_BY_CASEWORKER and persona != CASEWORKER:
            return 404
        return 200
    if persona not in WRITE.get(resource, frozenset()):
        return 403
    if method == "POST":
        return 400
    if method == "PATCH":
        return 428
    if method == "DELETE":
        return 204 if persona == CASEWORKER else 404
    raise AssertionError(f"no expectation for {method} {path}")


def test_the_schema_lists_every_entity() -> None:
    resources = {resource_of(path) for _, path in OPERATIONS}
    assert resources == set(READ)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["anonymous", *sorted(EVERYONE)])
def test_role_matrix(persona: str, world: World, request: pytest.FixtureRequest) -> None:
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    user = getattr(user, "user", user)
    client = client_for(user)
    mismatches = []
    for method, path in OPERATIONS:
        resource = resource_of(path)
        url = path.replace("{id}", str(world.ids.get(resource))).replace("{slug}", "interventions")
        response = client.generic(method, url, data="{}", content_type="application/json")
        expected = expected_status(persona, method, path)
        if response.status_code != expected:
            mismatches.append(f"{method} {path}: {response.status_code}, expected {expected}")
    assert mismatches == []


def test_policy_lead_has_no_endpoint_that_returns_a_person() -> None:
    person_level = {r for r, roles in READ.items() if POLICY not in roles}
    assert person_level >= {
        "households",
        "people",
        "memberships",
        "interventions",
        "referrals",
        "benefit-records",
        "case-notes",
        "assessments",
        "case-plans",
        "plan-reviews",
        "plan-goals",
        "plan-actions",
        "subject-access",
        "subject-access-requests",
        "audit",
        "properties",
        "licences",
    }

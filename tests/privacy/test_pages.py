"""Every page of the workspace: the data protection officer only (403 for every other role, logged), after
two-factor sign-in, never cached, and each read of personal data in the access log."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django.fixtures import Settings

from privacy import services
from privacy.models import RetentionAction, SharingAgreement, SubjectAccessRequest
from taskforce.org.models import AccessLog, StaffProfile
from tests.factories import BreakGlassGrantFactory, HouseholdFactory, MembershipFactory, agency


@pytest.fixture
def records(data_protection_officer: StaffProfile, ward_manager: StaffProfile) -> dict[str, int]:
    dpo = data_protection_officer.user
    member = MembershipFactory(household=HouseholdFactory(status="closed", closed_on=date(2015, 3, 1)))
    household = member.household
    sar = services.sar_receive(
        user=dpo,
        requester="A. Requester",
        received_on=date(2026, 6, 1),
        person=member.person,
        identity_checked=True,
        identity_evidence="Passport seen",
    )
    grant = BreakGlassGrantFactory(user=ward_manager.user)
    action = services.retention_propose(
        user=dpo, household=household, method="anonymise", reason="Past six years"
    )
    services.sharing_agreement_create(
        user=dpo,
        title="Employment support",
        partner=agency("jcp"),
        parties=[agency("kcc")],
        purpose="Referrals to work coaches",
        gateway="dea_s35",
        starts_on=date(2025, 1, 1),
        ends_on=None,
        review_on=date(2026, 1, 1),
    )
    return {
        "sar": sar.pk,
        "grant": grant.pk,
        "household": household.pk,
        "action": action.pk,
        "jcp": agency("jcp").pk,
    }


PAGES = [
    "/privacy/",
    "/privacy/access-log/",
    "/privacy/access-log/?person={person}",
    "/privacy/access-log.csv",
    "/privacy/break-glass/",
    "/privacy/break-glass/{grant}/",
    "/privacy/requests/",
    "/privacy/requests/new/",
    "/privacy/requests/{sar}/",
    "/privacy/retention/",
    "/privacy/retention/{household}/propose/",
    "/privacy/retention/actions/{action}/",
    "/privacy/agreements/",
    "/privacy/agreements/new/",
    "/privacy/agreements/partners/{jcp}/",
]
# Pages that show no personal data: forms to fill in and the register of agreements.
NOT_PERSONAL = {"/privacy/requests/new/", "/privacy/agreements/", "/privacy/agreements/new/"}


def _url(path: str, records: dict[str, int]) -> str:
    person = SubjectAccessRequest.objects.get(pk=records["sar"]).person_id
    return path.format(person=person, **records)


@pytest.mark.parametrize("path", PAGES)
def test_the_dpo_opens_every_page_and_each_read_is_logged(
    path: str, records: dict[str, int], data_protection_officer: StaffProfile
) -> None:
    client = Client()
    client.force_login(data_protection_officer.user)
    before = AccessLog.objects.filter(username="dana").count()
    response = client.get(_url(path, records))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    logged = AccessLog.objects.filter(username="dana").count() - before
    assert logged == (0 if path in NOT_PERSONAL else 1)


@pytest.mark.parametrize("persona", ["caseworker", "housing_officer", "ward_manager", "policy_lead"])
@pytest.mark.parametrize("path", PAGES)
def test_every_other_role_is_refused_and_the_refusal_logged(
    path: str, persona: str, records: dict[str, int], request: pytest.FixtureRequest
) -> None:
    profile: StaffProfile = request.getfixturevalue(persona)
    client = Client()
    client.force_login(profile.user)
    assert client.get(_url(path, records)).status_code == 403
    refused = AccessLog.objects.get(username=profile.user.username, outcome=AccessLog.Outcome.REFUSED)
    assert refused.resource == "privacy.workspace"


def test_a_dpo_without_a_second_factor_is_sent_to_set_one_up(
    data_protection_officer: StaffProfile, settings: Settings
) -> None:
    settings.TASKFORCE_REQUIRE_2FA = True
    client = Client()
    client.force_login(data_protection_officer.user)
    response = client.get("/privacy/access-log/")
    assert response.status_code == 302
    assert response["Location"].startswith("/two-factor/set-up/?next=")


def test_the_home_page_offers_the_workspace_not_the_api(data_protection_officer: StaffProfile) -> None:
    client = Client()
    client.force_login(data_protection_officer.user)
    page = client.get("/").content.decode()
    assert "API documentation" not in page
    for link in ("/privacy/access-log/", "/privacy/requests/", "/privacy/retention/", "/privacy/agreements/"):
        assert link in page
    assert 'href="/privacy/"' in page  # the navigation


def test_the_access_log_filters_by_person_household_user_and_dates(
    records: dict[str, int], data_protection_officer: StaffProfile, caseworker: StaffProfile
) -> None:
    sar = SubjectAccessRequest.objects.get(pk=records["sar"])
    entry = AccessLog.objects.create(
        user=caseworker.user, username="casey", route="web", action="detail", resource="households.household"
    )
    entry.subjects.create(person_id=sar.person_id)
    AccessLog.objects.create(username="other", route="web", action="list", resource="households.household")
    client = Client()
    client.force_login(data_protection_officer.user)
    reference = sar.person.memberships.get().household.case_reference
    # The officer's own searches are logged as reads of the person too: look at casey's entries.
    for query in (
        f"person={sar.person_id}&user={caseworker.user.pk}",
        f"household={reference}&user={caseworker.user.pk}",
        f"user={caseworker.user.pk}",
        "since_day=15&since_month=6&since_year=2026&until_day=15&until_month=6&until_year=2026&user="
        f"{caseworker.user.pk}",
    ):
        page = client.get(f"/privacy/access-log/?{query}").content.decode()
        assert "1 entry" in page, query
        assert "casey" in page
    page = client.get(f"/privacy/access-log/?person={sar.person_id}").content.decode()
    assert "casey" in page
    assert "other" not in page
    assert (
        "0 entries"
        in client.get(
            "/privacy/access-log/?since_day=1&since_month=1&since_year=2020"
            "&until_day=2&until_month=1&until_year=2020"
        ).content.decode()
    )
    csv = client.get(
        f"/privacy/access-log.csv?person={sar.person_id}&user={caseworker.user.pk}"
    ).content.decode()
    assert csv.splitlines()[0].startswith("at,username,role,route,action,outcome")
    assert len(csv.splitlines()) == 2


def test_a_bad_filter_is_a_clear_error_not_a_500(data_protection_officer: StaffProfile) -> None:
    client = Client()
    client.force_login(data_protection_officer.user)
    response = client.get(
        "/privacy/access-log/?household=nonsense&since_day=31&since_month=2&since_year=2026"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "No case has this reference" in page
    assert "0 entries" in page


def test_a_break_glass_grant_is_closed_with_a_finding(
    records: dict[str, int], data_protection_officer: StaffProfile
) -> None:
    client = Client()
    client.force_login(data_protection_officer.user)
    url = f"/privacy/break-glass/{records['grant']}/"
    assert "Give the finding" in client.post(url, {"finding": "not_justified", "note": "no"}).content.decode()
    response = client.post(url, {"finding": "not_justified", "note": "No safeguarding concern was recorded"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Not justified" in page
    assert "No safeguarding concern" in page
    assert "Close the grant" not in page


def test_an_agreement_is_recorded_and_the_partner_report_suppresses_small_counts(
    records: dict[str, int], data_protection_officer: StaffProfile
) -> None:
    client = Client()
    client.force_login(data_protection_officer.user)
    response = client.post(
        "/privacy/agreements/new/",
        {
            "title": "Health and housing",
            "partner": agency("nhs").pk,
            "parties": [agency("tdc").pk],
            "purpose": "Hospital discharge into suitable homes",
            "gateway": "hsca_s251b",
            "starts_on_day": "1",
            "starts_on_month": "4",
            "starts_on_year": "2025",
            "review_on_day": "1",
            "review_on_month": "4",
            "review_on_year": "2024",
        },
    )
    assert "The review must fall after the start" in response.content.decode()
    assert not SharingAgreement.objects.filter(title="Health and housing").exists()
    page = client.get(f"/privacy/agreements/partners/{records['jcp']}/").content.decode()
    assert "[c]" in page  # one household shared with Jobcentre Plus in the period: suppressed
    assert RetentionAction.objects.count() == 1


@pytest.mark.parametrize("path", ["/privacy/access-log/", "/privacy/retention/", "/privacy/break-glass/"])
def test_list_pages_cost_the_same_queries_however_many_rows(
    path: str, data_protection_officer: StaffProfile, ward_manager: StaffProfile
) -> None:
    client = Client()
    client.force_login(data_protection_officer.user)

    def grow(n: int) -> None:
        for _ in range(n):
            member = MembershipFactory(
                household=HouseholdFactory(status="closed", closed_on=date(2015, 3, 1))
            )
            BreakGlassGrantFactory(user=ward_manager.user, household=member.household)
            entry = AccessLog.objects.create(username="x", route="web", action="detail", resource="r")
            entry.subjects.create(person_id=member.person_id)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    grow(2)
    few = queries()
    grow(8)
    assert queries() == few

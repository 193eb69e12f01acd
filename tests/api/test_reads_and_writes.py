"""Reads are logged, writes go through the services, stale updates are refused, tokens belong to their owner."""

import csv
import io
import zipfile

import pytest
from django.db import DatabaseError
from django.test import Client

from households.models import Household
from taskforce.org.models import AccessLog, StaffProfile
from tests.api.conftest import client_for
from tests.factories import (
    AreaStatisticFactory,
    HouseholdFactory,
    InterventionFactory,
    MembershipFactory,
    PersonFactory,
    agency,
    shared_household,
)

pytestmark = pytest.mark.django_db


def test_a_detail_read_is_logged_with_the_people_it_exposed(caseworker: StaffProfile) -> None:
    member = MembershipFactory(household=shared_household(agency("jcp")))
    client_for(caseworker.user).get(
        f"/api/v1/households/{member.household_id}/", HTTP_X_PURPOSE="home visit", REMOTE_ADDR="10.0.0.7"
    )
    entry = AccessLog.objects.get()
    assert (entry.username, entry.role, entry.action, entry.resource) == (
        "casey",
        "caseworker",
        "detail",
        "households.household",
    )
    assert (entry.object_ids, entry.purpose, entry.client_address) == (
        [member.household_id],
        "home visit",
        "10.0.0.7",
    )
    assert list(entry.subjects.values_list("person_id", flat=True)) == [member.person_id]


def test_list_search_and_export_are_logged_with_their_query(caseworker: StaffProfile) -> None:
    shared_household(agency("jcp"))
    client = client_for(caseworker.user)
    client.get("/api/v1/households/", {"status": "open"})
    client.get("/api/v1/households/", {"search": "MTF"})
    client.get("/api/v1/households/export/")
    assert list(AccessLog.objects.order_by("id").values_list("action", "query")) == [
        ("list", "status=open"),
        ("search", "search=MTF"),
        ("export", ""),
    ]


def test_reference_data_reads_are_not_logged(policy_lead: StaffProfile) -> None:
    AreaStatisticFactory()
    assert client_for(policy_lead.user).get("/api/v1/area-statistics/").status_code == 200
    assert not AccessLog.objects.exists()


def test_a_read_fails_when_its_access_log_cannot_be_written(
    caseworker: StaffProfile, monkeypatch: pytest.MonkeyPatch
) -> None:
    household = shared_household(agency("jcp"))

    def broken(*args: object, **kwargs: object) -> None:
        raise DatabaseError("disk full")

    monkeypatch.setattr(AccessLog.objects, "create", broken)
    client = Client(raise_request_exception=False)
    client.force_login(caseworker.user)
    response = client.get(f"/api/v1/households/{household.pk}/")
    assert response.status_code == 500
    assert household.case_reference not in response.content.decode()


def test_a_model_rule_is_a_400_naming_the_field(caseworker: StaffProfile) -> None:
    intervention = InterventionFactory(household=shared_household(agency("jcp")))
    client = client_for(caseworker.user)
    etag = client.get(f"/api/v1/interventions/{intervention.pk}/")["ETag"]
    response = client.patch(
        f"/api/v1/interventions/{intervention.pk}/",
        {"status": "completed"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 400
    assert response.json() == {"ended_on": ["A completed intervention needs an end date."]}


def test_a_change_through_the_api_is_in_history_with_who_and_the_route(caseworker: StaffProfile) -> None:
    household = shared_household(agency("jcp"))
    client = Client()
    client.force_login(caseworker.user)
    etag = client.get(f"/api/v1/households/{household.pk}/")["ETag"]
    response = client.patch(
        f"/api/v1/households/{household.pk}/",
        {"status": "closed", "closed_on": "2012-03-01"},
        content_type="application/json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200, response.content
    change = household.history.latest()
    assert (change.history_user, change.history_change_reason, change.status) == (
        caseworker.user,
        "api",
        "closed",
    )


def test_of_two_updates_from_the_same_read_one_wins_and_the_other_is_refused(
    caseworker: StaffProfile,
) -> None:
    household = shared_household(agency("jcp"))
    first, second = client_for(caseworker.user), client_for(caseworker.user)
    etag = first.get(f"/api/v1/households/{household.pk}/")["ETag"]
    assert second.get(f"/api/v1/households/{household.pk}/")["ETag"] == etag
    won = first.patch(f"/api/v1/households/{household.pk}/", {"opened_on": "2010-09-02"}, HTTP_IF_MATCH=etag)
    lost = second.patch(
        f"/api/v1/households/{household.pk}/", {"opened_on": "2010-09-03"}, HTTP_IF_MATCH=etag
    )
    assert (won.status_code, lost.status_code) == (200, 412)
    assert str(Household.objects.get(pk=household.pk).opened_on) == "2010-09-02"
    assert won["ETag"] != etag


def test_an_update_without_if_match_is_refused(caseworker: StaffProfile) -> None:
    household = shared_household(agency("jcp"))
    response = client_for(caseworker.user).patch(
        f"/api/v1/households/{household.pk}/", {"opened_on": "2010-09-02"}
    )
    assert response.status_code == 428
    assert str(Household.objects.get(pk=household.pk).opened_on) == "2010-09-01"


def test_caseworker_opens_a_case_with_its_data_sharing_basis_and_then_sees_it(
    caseworker: StaffProfile,
) -> None:
    client = client_for(caseworker.user)
    response = client.post(
        "/api/v1/households/",
        {
            "case_reference": "MTF-000777",
            "ward": caseworker.wards.get().pk,
            "opened_on": "2011-01-10",
            "basis": "consent",
            "agencies": [agency("jcp").pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert client.get(f"/api/v1/households/{response.json()['id']}/").status_code == 200


def test_ward_manager_assigns_a_case_to_a_caseworker_in_its_ward(
    ward_manager: StaffProfile, caseworker: StaffProfile, caseworker_central: StaffProfile
) -> None:
    household = HouseholdFactory()
    client = client_for(ward_manager.user)
    etag = client.get(f"/api/v1/households/{household.pk}/")["ETag"]
    wrong_ward = client.post(
        f"/api/v1/households/{household.pk}/assign/",
        {"key_worker": caseworker_central.pk},
        HTTP_IF_MATCH=etag,
    )
    assert wrong_ward.status_code == 400
    assert "key_worker" in wrong_ward.json()
    assigned = client.post(
        f"/api/v1/households/{household.pk}/assign/", {"key_worker": caseworker.pk}, HTTP_IF_MATCH=etag
    )
    assert (assigned.status_code, assigned.json()["key_worker"]) == (200, caseworker.pk)


def test_a_token_authenticates_its_owner_until_revoked(caseworker: StaffProfile) -> None:
    shared_household(agency("jcp"))
    owner = client_for(caseworker.user)
    created = owner.post("/api/v1/tokens/", {"name": "nightly report"}).json()
    key = created["key"]
    assert "key" not in owner.get("/api/v1/tokens/").json()[0]
    by_token = Client(HTTP_AUTHORIZATION=f"Token {key}")
    assert by_token.get("/api/v1/households/").json()["count"] == 1
    assert owner.delete(f"/api/v1/tokens/{created['id']}/").status_code == 204
    assert by_token.get("/api/v1/households/").status_code == 401


def test_nobody_else_can_revoke_or_see_a_token(
    caseworker: StaffProfile, caseworker_police: StaffProfile
) -> None:
    created = client_for(caseworker.user).post("/api/v1/tokens/", {"name": "mine"}).json()
    other = client_for(caseworker_police.user)
    assert other.get("/api/v1/tokens/").json() == []
    assert other.delete(f"/api/v1/tokens/{created['id']}/").status_code == 404


def test_export_neutralises_spreadsheet_formulas(caseworker: StaffProfile) -> None:
    household = shared_household(agency("jcp"))
    for i, text in enumerate(["=1+1", "+SUM(A1)", "-2+3", "@cmd", "plain"]):
        InterventionFactory(household=household, notes=text, referred_on=f"2010-10-{i + 1:02d}")
    exported = client_for(caseworker.user).get("/api/v1/interventions/export/", {"ordering": "referred_on"})
    notes = [row["notes"] for row in csv.DictReader(io.StringIO(exported.content.decode()))]
    assert notes == ["'=1+1", "'+SUM(A1)", "'-2+3", "'@cmd", "plain"]


def test_audit_log_is_for_the_dpo_filterable_by_user_person_and_date(
    caseworker: StaffProfile, caseworker_police: StaffProfile, data_protection_officer: StaffProfile
) -> None:
    mine = MembershipFactory(household=shared_household(agency("jcp")))
    theirs = MembershipFactory(household=shared_household(agency("police")))
    client_for(caseworker.user).get(f"/api/v1/people/{mine.person_id}/")
    client_for(caseworker_police.user).get(f"/api/v1/people/{theirs.person_id}/")
    dpo = client_for(data_protection_officer.user)
    by_person = dpo.get("/api/v1/audit/", {"person": mine.person_id}).json()
    assert [e["username"] for e in by_person["results"]] == ["casey"]
    by_user = dpo.get("/api/v1/audit/", {"user": caseworker_police.user.pk}).json()
    assert [e["people"] for e in by_user["results"]] == [[theirs.person_id]]
    assert dpo.get("/api/v1/audit/", {"at__gte": "2100-01-01T00:00:00Z"}).json()["count"] == 0
    assert client_for(caseworker.user).get("/api/v1/audit/").status_code == 403


def test_the_audit_log_cannot_be_changed_through_the_api(
    caseworker: StaffProfile, data_protection_officer: StaffProfile
) -> None:
    client_for(caseworker.user).get("/api/v1/households/")
    entry = AccessLog.objects.get()
    dpo = client_for(data_protection_officer.user)
    for method in ("patch", "put", "delete"):
        assert getattr(dpo, method)(f"/api/v1/audit/{entry.pk}/").status_code in {403, 405}
    assert AccessLog.objects.get().purpose == entry.purpose


def test_subject_access_export_holds_everything_and_who_read_it(
    caseworker: StaffProfile, data_protection_officer: StaffProfile
) -> None:
    member = MembershipFactory(
        household=shared_household(agency("jcp")), person=PersonFactory(given_name="=cmd|'/c calc'!A1")
    )
    InterventionFactory(household=member.household, person=member.person)
    client_for(caseworker.user).get(f"/api/v1/people/{member.person_id}/")
    dpo = client_for(data_protection_officer.user)
    export = dpo.get(f"/api/v1/subject-access/{member.person_id}/").json()
    assert [len(export[t]) for t in ("person", "memberships", "households", "interventions")] == [1, 1, 1, 1]
    assert [(e["username"], e["action"]) for e in export["access_log"]] == [("casey", "detail")]
    archive = zipfile.ZipFile(io.BytesIO(dpo.get(f"/api/v1/subject-access/{member.person_id}/csv/").content))
    person_rows = list(csv.DictReader(io.StringIO(archive.read("person.csv").decode())))
    assert person_rows[0]["given_name"] == "'=cmd|'/c calc'!A1"
    access = list(csv.DictReader(io.StringIO(archive.read("access_log.csv").decode())))
    assert [(e["username"], e["action"]) for e in access] == [("casey", "detail"), ("dana", "sar")]


def test_policy_lead_requests_an_analysis_and_polls_it(policy_lead: StaffProfile) -> None:
    from django.utils import timezone

    from jobs.models import Job
    from outcomes.models import AnalysisRun

    client = client_for(policy_lead.user)
    requested = client.post("/api/v1/analysis-runs/", {"kind": "gap", "parameters": {}}, format="json")
    assert requested.status_code == 201, requested.content
    run = requested.json()
    assert (run["kind"], run["status"]) == ("gap", "pending")
    stored = AnalysisRun.objects.get(pk=run["id"])
    AnalysisRun.objects.filter(pk=stored.pk).update(result={"gap": 37.0})
    Job.objects.filter(pk=stored.job_id).update(
        state="succeeded", started_at=timezone.now(), finished_at=timezone.now()
    )
    polled = client.get(f"/api/v1/analysis-runs/{run['id']}/").json()
    assert (polled["status"], polled["result"]) == ("succeeded", {"gap": 37.0})
    assert client.post("/api/v1/analysis-runs/", {"kind": "not-a-kind"}, format="json").status_code == 400


def test_closing_a_case_through_the_api_ends_its_memberships(caseworker: StaffProfile) -> None:
    member = MembershipFactory(household=shared_household(agency("jcp")))
    client = client_for(caseworker.user)
    url = f"/api/v1/households/{member.household_id}/"
    etag = client.get(url)["ETag"]
    closed = client.patch(url, {"status": "closed", "closed_on": "2012-03-01"}, HTTP_IF_MATCH=etag)
    assert closed.status_code == 200
    member.refresh_from_db()
    assert str(member.left_on) == "2012-03-01"


def test_retention_report_lists_cases_closed_more_than_six_years_ago(
    data_protection_officer: StaffProfile,
) -> None:
    from datetime import date, timedelta

    from django.utils import timezone

    today = timezone.localdate()
    old = HouseholdFactory(status="closed", opened_on=date(2005, 1, 1), closed_on=date(today.year - 7, 1, 1))
    MembershipFactory.create_batch(2, household=old, joined_on=date(2005, 1, 1))
    HouseholdFactory(status="closed", opened_on=date(2005, 1, 1), closed_on=today - timedelta(days=365))
    HouseholdFactory()  # open
    report = client_for(data_protection_officer.user).get("/api/v1/retention/").json()
    assert [(r["case_reference"], r["members"], r["delete_from"]) for r in report["results"]] == [
        (old.case_reference, 2, f"{today.year - 1}-01-01")
    ]
    assert AccessLog.objects.get().resource == "households.household"


def test_an_error_without_a_field_has_the_same_shape_as_field_errors(caseworker: StaffProfile) -> None:
    response = client_for(caseworker.user).get("/api/v1/people/", {"search": "a\x00b"})
    assert (response.status_code, response.json()) == (
        400,
        {"non_field_errors": ["Null characters are not allowed."]},
    )

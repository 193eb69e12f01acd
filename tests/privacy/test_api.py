"""The registers through the API: the data protection officer reads them, each read logged; others get 403."""

from datetime import date

from rest_framework.test import APIClient

from privacy import services
from taskforce.org.models import AccessLog, StaffProfile
from tests.factories import MembershipFactory


def test_subject_access_requests_are_read_and_logged(
    data_protection_officer: StaffProfile, caseworker: StaffProfile
) -> None:
    person = MembershipFactory().person
    sar = services.sar_receive(
        user=data_protection_officer.user,
        requester="A. Requester",
        received_on=date(2026, 5, 1),
        person=person,
        identity_checked=False,
        identity_evidence="",
    )
    api = APIClient()
    api.force_authenticate(data_protection_officer.user)
    body = api.get(f"/api/v1/subject-access-requests/{sar.pk}/").json()
    assert (body["reference"], body["due_on"], body["overdue"]) == (sar.reference, "2026-06-01", True)
    entry = AccessLog.objects.get(username="dana")
    assert [s.person_id for s in entry.subjects.all()] == [person.pk]
    api.force_authenticate(caseworker.user)
    assert api.get("/api/v1/subject-access-requests/").status_code == 403
    assert AccessLog.objects.get(username="casey").outcome == AccessLog.Outcome.REFUSED


def test_the_audit_endpoint_shows_and_filters_the_outcome(
    data_protection_officer: StaffProfile, caseworker: StaffProfile
) -> None:
    api = APIClient()
    api.force_authenticate(caseworker.user)
    assert api.get("/api/v1/households/999999/").status_code == 404
    api.force_authenticate(data_protection_officer.user)
    body = api.get("/api/v1/audit/", {"outcome": "out_of_scope"}).json()
    assert [(e["username"], e["outcome"], e["object_ids"]) for e in body["results"]] == [
        ("casey", "out_of_scope", [999999])
    ]

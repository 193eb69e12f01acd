"""Subject access requests: the one-month deadline and its extension, and the workflow from receipt to a
release that leaves out what the reviewer withheld."""

import io
import zipfile
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from privacy import services
from privacy.models import SubjectAccessRequest, add_months
from taskforce.org.models import AccessLog, StaffProfile
from tests.factories import BenefitRecordFactory, MembershipFactory


@pytest.mark.parametrize(
    ("received", "months", "due"),
    [
        (date(2026, 6, 3), 1, date(2026, 7, 3)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
    ],
)
def test_a_month_is_a_calendar_month_ending_on_the_last_day_when_short(
    received: date, months: int, due: date
) -> None:
    assert add_months(received, months) == due


def _sar(user: object, **fields: object) -> SubjectAccessRequest:
    member = MembershipFactory()
    return services.sar_receive(
        user=user,  # type: ignore[arg-type]
        requester="A. Requester",
        received_on=fields.pop("received_on", date(2026, 6, 1)),  # type: ignore[arg-type]
        person=member.person,
        identity_checked=True,
        identity_evidence="Passport seen",
    )


def test_deadline_extension_and_overdue(data_protection_officer: StaffProfile) -> None:
    sar = _sar(data_protection_officer.user, received_on=date(2026, 5, 1))
    assert sar.due_on == date(2026, 6, 1)
    assert sar.is_overdue(date(2026, 6, 15))
    with pytest.raises(ValidationError, match="at least 10"):
        services.sar_extend(user=data_protection_officer.user, sar=sar, reason="busy")
    services.sar_extend(
        user=data_protection_officer.user, sar=sar, reason="Records held by four partner agencies"
    )
    assert sar.due_on == date(2026, 8, 1)
    assert not sar.is_overdue(date(2026, 6, 15))
    with pytest.raises(ValidationError, match="already been extended"):
        services.sar_extend(user=data_protection_officer.user, sar=sar, reason="And again, for longer")


def test_only_the_dpo_records_requests(caseworker: StaffProfile) -> None:
    with pytest.raises(ValidationError, match="data protection officer"):
        _sar(caseworker.user)


def test_from_receipt_to_release_through_the_pages(data_protection_officer: StaffProfile) -> None:
    member = MembershipFactory()
    BenefitRecordFactory(person=member.person)
    client = Client()
    client.force_login(data_protection_officer.user)
    response = client.post(
        "/privacy/requests/new/",
        {
            "requester": "Jo Bloggs",
            "received_day": "1",
            "received_on_day": "1",
            "received_on_month": "6",
            "received_on_year": "2026",
        },
    )
    sar = SubjectAccessRequest.objects.get()
    url = f"/privacy/requests/{sar.pk}/"
    assert response["Location"] == url
    assert "Check the requester" in client.get(url).content.decode()
    # Gathering before the identity is checked is refused, with a message.
    assert "Check the requester" in client.post(url, {"step": "gather"}).content.decode()
    client.post(
        url, {"step": "identity", "person": str(member.person_id), "identity_evidence": "Driving licence"}
    )
    client.post(url, {"step": "gather"})
    sar.refresh_from_db()
    assert sar.status == "gathered"
    gathered = AccessLog.objects.get(action=AccessLog.Action.SUBJECT_ACCESS, username="dana")
    assert [s.person_id for s in gathered.subjects.all()] == [member.person_id]
    benefit = sar.items.get(table="benefit_records")
    client.post(url, {"step": "review", "redact": [str(benefit.pk)], "reason": "Names a third party"})
    sar.refresh_from_db()
    assert sar.status == "reviewed"
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{url}release.zip").content))
    assert "benefit_records.csv" not in archive.namelist()
    assert "Jo Bloggs" not in archive.read("person.csv").decode()
    assert member.person.family_name in archive.read("person.csv").decode()
    client.post(
        url,
        {"step": "release", "released_on_day": "15", "released_on_month": "6", "released_on_year": "2026"},
    )
    sar.refresh_from_db()
    assert (sar.status, sar.released_on) == ("released", date(2026, 6, 15))
    assert [h.status for h in sar.history.order_by("history_id")][-1] == "released"


def test_release_before_review_is_refused(data_protection_officer: StaffProfile) -> None:
    sar = _sar(data_protection_officer.user)
    with pytest.raises(ValidationError, match="Review"):
        services.sar_release(user=data_protection_officer.user, sar=sar, released_on=date(2026, 6, 10))

"""Referrals keep to the household's data-sharing basis, and each agency answers those sent to it."""

from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from households.services import data_sharing_basis_extend
from interventions.models import Referral
from interventions.services import OutsideBasis, referral_accept, referral_decline, referral_send
from taskforce.org.models import AccessLog, StaffProfile
from tests.api.conftest import client_for
from tests.factories import ReferralFactory, StaffProfileFactory, UserFactory, agency, shared_household

pytestmark = pytest.mark.django_db


def dated(name: str, day: int, month: int, year: int) -> dict[str, str]:
    return {f"{name}_day": str(day), f"{name}_month": str(month), f"{name}_year": str(year)}


@pytest.fixture
def nhs_worker(db: None) -> StaffProfile:
    return StaffProfileFactory(
        user=UserFactory(username="nia", first_name="Nia", last_name="Health"), agency=agency("nhs")
    )


def test_a_referral_outside_the_basis_is_refused_naming_it_and_nothing_is_written() -> None:
    household = shared_household(agency("jcp"), agency("kcc"))

    with pytest.raises(OutsideBasis) as refused:
        referral_send(
            household=household,
            from_agency=agency("jcp"),
            to_agency=agency("nhs"),
            reason="GP",
            sent_on=date(2011, 4, 4),
        )

    message = refused.value.message_dict["to_agency"][0]
    assert "Consent from 1 September 2010, covering" in message
    assert "Jobcentre Plus" in message
    assert "does not cover NHS Eastern and Coastal Kent on 4 April 2011" in message
    assert "Record an extended basis" in message
    assert not Referral.objects.exists()


def test_an_extended_basis_lets_the_referral_through_only_once_in_force() -> None:
    household = shared_household(agency("jcp"))
    data_sharing_basis_extend(
        household=household,
        agency=agency("nhs"),
        basis="consent",
        agreed_by="Alex Example (the tenant)",
        agreed_on=date(2011, 5, 1),
        recorded_by=None,
    )
    fields = {"to_agency": agency("nhs"), "reason": "GP registration"}
    with pytest.raises(OutsideBasis):
        referral_send(household=household, from_agency=agency("jcp"), sent_on=date(2011, 4, 30), **fields)

    referral = referral_send(
        household=household, from_agency=agency("jcp"), sent_on=date(2011, 5, 1), **fields
    )

    assert referral.to_agency.code == "nhs"
    extended = household.sharing_bases.get(agreed_by__startswith="Alex")
    assert [a.code for a in extended.agencies.all()] == ["nhs"]


def test_an_extended_basis_needs_who_agreed() -> None:
    with pytest.raises(ValidationError) as refused:
        data_sharing_basis_extend(
            household=shared_household(),
            agency=agency("nhs"),
            basis="consent",
            agreed_by="  ",
            agreed_on=date(2011, 5, 1),
            recorded_by=None,
        )
    assert list(refused.value.message_dict) == ["agreed_by"]


def test_web_refusal_offers_the_extended_basis_then_the_referral(
    client: Client, caseworker: StaffProfile
) -> None:
    household = shared_household(agency("jcp"))
    client.force_login(caseworker.user)
    referral = {
        "to_agency": agency("nhs").pk,
        "reason": "GP registration",
        "status": "sent",
        **dated("sent_on", 4, 4, 2011),
    }

    refused = client.post(f"/households/{household.pk}/referrals/new/", referral).content.decode()

    assert "does not cover NHS Eastern and Coastal Kent" in refused
    assert f"/households/{household.pk}/sharing/extend/?agency={agency('nhs').pk}" in refused
    assert not Referral.objects.exists()
    extended = client.post(
        f"/households/{household.pk}/sharing/extend/?agency={agency('nhs').pk}&reason=GP+registration",
        {
            "agency": agency("nhs").pk,
            "basis": "consent",
            "agreed_by": "The tenant",
            **dated("agreed_on", 1, 4, 2011),
        },
    )
    assert extended.status_code == 302
    assert (
        extended.url
        == f"/households/{household.pk}/referrals/new/?to_agency={agency('nhs').pk}&reason=GP+registration"
    )
    assert client.post(f"/households/{household.pk}/referrals/new/", referral).status_code == 302
    assert Referral.objects.get().to_agency.code == "nhs"


def test_api_refusal_is_a_400_naming_the_basis(caseworker: StaffProfile) -> None:
    household = shared_household(agency("jcp"))
    response = client_for(caseworker.user).post(
        "/api/v1/referrals/",
        {"household": household.pk, "to_agency": agency("nhs").pk, "reason": "GP", "sent_on": "2011-04-04"},
        format="json",
    )
    assert response.status_code == 400
    assert "data-sharing basis (Consent from 1 September 2010" in response.json()["to_agency"][0]
    assert not Referral.objects.exists()


def test_check_referrals_lists_those_outside_their_basis() -> None:
    household = shared_household(agency("jcp"), agency("nhs"))
    inside = ReferralFactory(household=household, to_agency=agency("nhs"))
    outside = ReferralFactory(household=household, to_agency=agency("police"))
    before = ReferralFactory(household=household, to_agency=agency("nhs"), sent_on=date(2010, 8, 1))
    out = StringIO()

    with pytest.raises(CommandError):
        call_command("check_referrals", stdout=out)

    lines = out.getvalue().splitlines()
    assert [int(line.split("\t")[0]) for line in lines[:-1]] == [before.pk, outside.pk]
    assert lines[-1] == "2 referrals outside the household's data-sharing basis"
    assert inside.pk not in {int(line.split("\t")[0]) for line in lines[:-1]}


def test_the_inbox_holds_referrals_to_the_users_agency_with_days_waiting(
    client: Client, nhs_worker: StaffProfile, caseworker: StaffProfile
) -> None:
    household = shared_household(agency("jcp"), agency("nhs"))
    waiting = ReferralFactory(household=household, to_agency=agency("nhs"), sent_on=date(2026, 6, 1))
    to_jobcentre = ReferralFactory(household=household, from_agency=agency("nhs"), to_agency=agency("jcp"))
    client.force_login(nhs_worker.user)

    page = client.get("/referrals/inbox/").content.decode()

    assert "Received, waiting (1)" in page
    assert household.case_reference in page
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">14</td>' in page
    entry = AccessLog.objects.get(username="nia")
    assert (entry.action, entry.resource, entry.object_ids) == (
        "list",
        "interventions.referral",
        [waiting.pk],
    )
    client.force_login(caseworker.user)
    client.get("/referrals/inbox/")
    assert AccessLog.objects.get(username="casey").object_ids == [to_jobcentre.pk]


def test_accepting_allocates_and_declining_needs_a_reason(nhs_worker: StaffProfile) -> None:
    household = shared_household(agency("jcp"), agency("nhs"))
    first = ReferralFactory(household=household, to_agency=agency("nhs"))
    second = ReferralFactory(household=household, to_agency=agency("nhs"))

    accepted = referral_accept(referral=first, worker=nhs_worker, on=date(2010, 11, 8))
    assert (accepted.status, accepted.allocated_to, accepted.days_waiting(date(2026, 1, 1))) == (
        "accepted",
        nhs_worker,
        7,
    )
    with pytest.raises(ValidationError, match="already accepted"):
        referral_decline(referral=first, reason="No capacity", on=date(2010, 11, 9))
    with pytest.raises(ValidationError) as refused:
        referral_decline(referral=second, reason=" ", on=date(2010, 11, 9))
    assert list(refused.value.message_dict) == ["decline_reason"]
    with pytest.raises(ValidationError, match="someone in NHS"):
        referral_accept(referral=second, worker=StaffProfileFactory(), on=date(2010, 11, 9))
    declined = referral_decline(referral=second, reason="Not registered locally", on=date(2010, 11, 9))
    assert (declined.status, declined.decline_reason) == ("declined", "Not registered locally")


def test_the_inbox_api_lists_and_answers(nhs_worker: StaffProfile, caseworker: StaffProfile) -> None:
    household = shared_household(agency("jcp"), agency("nhs"))
    referral = ReferralFactory(household=household, to_agency=agency("nhs"), sent_on=date(2026, 6, 5))
    api = client_for(nhs_worker.user)

    listed = api.get("/api/v1/referrals/inbox/").json()
    assert [(r["id"], r["days_waiting"], r["status"]) for r in listed["results"]] == [
        (referral.pk, 10, "sent")
    ]
    assert client_for(caseworker.user).get("/api/v1/referrals/inbox/").json()["count"] == 0
    assert (
        client_for(caseworker.user)
        .post(f"/api/v1/referrals/inbox/{referral.pk}/accept/", {"worker": caseworker.pk}, format="json")
        .status_code
        == 404
    )
    answered = api.post(
        f"/api/v1/referrals/inbox/{referral.pk}/accept/", {"worker": nhs_worker.pk}, format="json"
    )
    assert answered.status_code == 200
    assert (answered.json()["status"], answered.json()["allocated_to"], answered.json()["responded_on"]) == (
        "accepted",
        nhs_worker.pk,
        "2026-06-15",
    )
    again = api.post(f"/api/v1/referrals/inbox/{referral.pk}/decline/", {"reason": "Full"}, format="json")
    assert again.status_code == 400
    assert "already accepted" in again.json()["status"][0]
    assert AccessLog.objects.filter(username="nia", resource="interventions.referral").exists()


def test_the_inbox_page_costs_the_same_queries_however_many_referrals(
    client: Client, nhs_worker: StaffProfile, django_assert_num_queries
) -> None:
    household = shared_household(agency("jcp"), agency("nhs"))
    client.force_login(nhs_worker.user)
    ReferralFactory(household=household, to_agency=agency("nhs"))
    client.get("/referrals/inbox/")  # warm the session
    with django_assert_num_queries(INBOX_QUERIES):
        client.get("/referrals/inbox/")
    for _ in range(5):
        ReferralFactory(household=household, to_agency=agency("nhs"))
    with django_assert_num_queries(INBOX_QUERIES):
        assert "Received, waiting (6)" in client.get("/referrals/inbox/").content.decode()


# The same with one referral or six: no query per row (the page's counts by state, its count and rows, the
# access-log row and its subjects, besides the session, the user and the navigation). Raising it is a
# deliberate change.
INBOX_QUERIES = 16

"""Changes to an intervention or a referral: only the fields that may change, and only to a valid record."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from interventions.models import Intervention, Referral
from interventions.services import intervention_update, referral_update
from tests.factories import HouseholdFactory, InterventionFactory, ReferralFactory, agency

pytestmark = pytest.mark.django_db


def test_an_intervention_stays_with_its_household() -> None:
    intervention = InterventionFactory()
    household = intervention.household
    changes = {"household": HouseholdFactory(), "notes": "Moved"}  # as an API request could send them

    with pytest.raises(ValidationError) as refused:
        intervention_update(intervention=intervention, **changes)

    assert refused.value.message_dict == {"household": ["This field cannot be changed once recorded."]}
    intervention.refresh_from_db()
    assert (intervention.household, intervention.notes) == (household, "")


def test_a_change_that_leaves_the_intervention_invalid_is_not_saved() -> None:
    intervention = InterventionFactory(started_on=date(2010, 10, 4), status=Intervention.Status.ACTIVE)

    with pytest.raises(ValidationError) as refused:
        intervention_update(intervention=intervention, status=Intervention.Status.COMPLETED)

    assert list(refused.value.message_dict) == ["ended_on"]
    intervention.refresh_from_db()
    assert intervention.status == Intervention.Status.ACTIVE


def test_a_referral_records_its_answer() -> None:
    referral = ReferralFactory()

    referral_update(referral=referral, status=Referral.Status.ACCEPTED, responded_on=date(2010, 11, 8))

    referral.refresh_from_db()
    assert (referral.status, referral.responded_on) == (Referral.Status.ACCEPTED, date(2010, 11, 8))
    assert referral.to_agency == agency("nhs")

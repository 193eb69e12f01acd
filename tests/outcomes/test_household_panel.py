"""The household-month panel: benefit records summed in the database by the household their person
belonged to that month."""

from datetime import date
from decimal import Decimal

import pytest

from outcomes.datasets.panels import household_panel
from outcomes.models import BenefitType
from tests.factories import BenefitRecordFactory, HouseholdFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_records_follow_the_person_between_households_by_month():
    first = HouseholdFactory(opened_on=date(2011, 1, 1))
    second = HouseholdFactory(opened_on=date(2011, 1, 1))
    # Left the first household on 10 March and joined the second on 20 March: March counts in both.
    move = MembershipFactory(household=first, joined_on=date(2011, 1, 15), left_on=date(2011, 3, 10))
    MembershipFactory(household=second, person=move.person, joined_on=date(2011, 3, 20))
    in_work = BenefitType.objects.filter(out_of_work=False).first()
    for month, amount in ((1, "100.10"), (2, "200.20"), (3, "300.30"), (4, "400.40")):
        BenefitRecordFactory(person=move.person, month=date(2011, month, 1), amount=Decimal(amount))
    BenefitRecordFactory(person=move.person, month=date(2011, 2, 1), benefit=in_work, amount=Decimal("5.05"))
    BenefitRecordFactory(person=move.person, month=date(2011, 5, 1), benefit=in_work, amount=Decimal("7.00"))
    # Outside the window: not read.
    BenefitRecordFactory(person=move.person, month=date(2016, 1, 1), amount=Decimal("9.99"))

    panel = household_panel(first_month=date(2011, 1, 1), last_month=date(2011, 5, 1))
    rows = {
        (r.household, r.period): (r.benefit, r.out_of_work_benefit, r.dependent)
        for r in panel.itertuples(index=False)
    }
    assert rows[(first.pk, "2011-01")] == (pytest.approx(100.10), pytest.approx(100.10), 1)
    assert rows[(first.pk, "2011-02")] == (pytest.approx(205.25), pytest.approx(200.20), 1)
    assert rows[(first.pk, "2011-03")] == (pytest.approx(300.30), pytest.approx(300.30), 1)
    assert rows[(second.pk, "2011-03")] == (pytest.approx(300.30), pytest.approx(300.30), 1)
    assert rows[(first.pk, "2011-04")] == (0.0, 0.0, 0)
    assert rows[(second.pk, "2011-04")] == (pytest.approx(400.40), pytest.approx(400.40), 1)
    assert rows[(second.pk, "2011-05")] == (pytest.approx(7.00), 0.0, 0)
    assert rows[(second.pk, "2011-01")] == (0.0, 0.0, 0)
    assert len(panel) == 10  # both households, January to May
    assert panel["dependent"].dtype.kind == "i"


def test_no_records_gives_a_panel_of_zeros():
    household = HouseholdFactory(opened_on=date(2011, 1, 1))
    MembershipFactory(household=household, joined_on=date(2011, 1, 1))
    panel = household_panel(first_month=date(2011, 1, 1), last_month=date(2011, 3, 1))
    assert list(panel["period"]) == ["2011-01", "2011-02", "2011-03"]
    assert panel["benefit"].tolist() == [0.0, 0.0, 0.0]
    assert panel["dependent"].tolist() == [0, 0, 0]

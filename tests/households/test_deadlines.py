from datetime import date

import pytest

from households.deadlines import NoticeRule, add_working_days, notification_due_on
from households.models import PlacementType
from tests.factories import PlacementFactory


def test_s208_notice_is_due_fourteen_days_after_placement() -> None:
    assert notification_due_on(NoticeRule.S208_14_DAYS, date(2011, 3, 1)) == date(2011, 3, 15)


def test_looked_after_child_notice_skips_weekends_and_bank_holidays() -> None:
    # Thursday 1 April 2010: Good Friday (2nd) and Easter Monday (5th) are not working days.
    assert add_working_days(date(2010, 4, 1), 5) == date(2010, 4, 12)
    assert notification_due_on(NoticeRule.LAC_5_WORKING_DAYS, date(2010, 4, 1)) == date(2010, 4, 12)


def test_no_rule_means_no_deadline() -> None:
    assert notification_due_on(NoticeRule.NONE, date(2010, 4, 1)) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("received", "met"),
    [(date(2011, 3, 1), True), (date(2011, 3, 15), True), (date(2011, 3, 16), False), (None, False)],
)
def test_s208_deadline_met_is_computed_from_the_dates(received: date | None, met: bool) -> None:
    placement = PlacementFactory(placed_on=date(2011, 3, 1), notification_received_on=received)
    assert placement.deadline_met(today=date(2012, 1, 1)) is met


@pytest.mark.django_db
def test_deadline_not_judged_before_it_passes() -> None:
    placement = PlacementFactory(placed_on=date(2011, 3, 1), notification_received_on=None)
    assert placement.deadline_met(today=date(2011, 3, 10)) is None


@pytest.mark.django_db
def test_looked_after_child_notified_before_placement_is_on_time() -> None:
    placement = PlacementFactory(
        type=PlacementType.objects.get(code="lac"),
        placed_on=date(2012, 6, 4),
        notification_received_on=date(2012, 6, 1),
    )
    assert placement.deadline_met() is True
    # 4 and 5 June 2012 were bank holidays (the Diamond Jubilee).
    assert placement.notification_due_on == date(2012, 6, 12)


@pytest.mark.django_db
def test_placement_types_without_a_statutory_rule_are_not_judged() -> None:
    placement = PlacementFactory(type=PlacementType.objects.get(code="asylum"))
    assert placement.notification_due_on is None
    assert placement.deadline_met() is None

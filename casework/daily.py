"""The daily run: raise the tasks the data's dates call for, then send each person their digest."""

import logging
from dataclasses import dataclass
from datetime import date

from .digest import digest_send
from .reminders import tasks_raise, tasks_resolve

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DailyRun:
    raised: int
    resolved: int
    digests: int


def daily_run(*, today: date, send_digests: bool = True) -> DailyRun:
    resolved = len(tasks_resolve(today=today))
    raised = len(tasks_raise(today=today))
    digests = digest_send(today=today) if send_digests else 0
    logger.info(
        "Closed %d resolved tasks, raised %d and sent %d digests for %s", resolved, raised, digests, today
    )
    return DailyRun(raised=raised, resolved=resolved, digests=digests)

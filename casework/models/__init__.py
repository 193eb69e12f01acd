"""Case work records: whole-family assessments and case plans (Supporting Families outcomes framework, 2022),
case notes, and tasks with their reminders."""

from .notes import CaseNote
from .plans import Assessment, CasePlan, Goal, HeadlineOutcome, PlanAction, Review, SustainCheck
from .tasks import Task

__all__ = [
    "Assessment",
    "CaseNote",
    "CasePlan",
    "Goal",
    "HeadlineOutcome",
    "PlanAction",
    "Review",
    "SustainCheck",
    "Task",
]

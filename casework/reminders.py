"""Tasks raised from the data's own dates: the daily job's rules, each naming its source record once.

Each rule reads one kind of record and proposes a task with a key naming its source ("placement:12:notice");
a key that has raised a task never raises another, done or not, so running the job twice, or twice a day,
changes nothing. A rule whose source date moves (a licence renewed, a plan's next review) names the date in
its key, so the new date raises a new task.

Who gets it: the household's key worker where there is one, otherwise the team (agency) that answers for
that kind of work; property records go to the district council's private sector housing team.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from households.deadlines import NoticeRule, notification_due_on
from households.models import DataSharingBasis, EnforcementAction, Household, Licence, Placement
from taskforce.org.models import Agency

from .models import CasePlan, Goal, SustainCheck, Task

# How far back a missed date still raises a task the first time the job sees it, and how far ahead one
# is raised before its date.
LOOKBACK_DAYS = 60
AHEAD_DAYS: dict[str, int] = {
    Task.Kind.CONSENT_EXPIRY: 30,
    Task.Kind.LICENCE_EXPIRY: 60,
    Task.Kind.NOTICE_COMPLIANCE: 14,
    Task.Kind.PLAN_REVIEW: 14,
    Task.Kind.SUSTAIN_CHECK: 14,
}
# Housing Act 2004 s13(2)(c): the works an improvement notice requires may start no sooner than 28 days
# after it is served; the check is due then. Prohibition orders take effect on the same day (s24(6)).
COMPLIANCE_DAYS = 28
# The retention report's period (api.views.governance.RETENTION_YEARS, a layer above).
RETENTION_YEARS = 6
SUSTAIN_MONTHS = (6, 12)

# The team that answers for each kind of work when no key worker holds the case (agency codes).
TEAMS: dict[str, str] = {
    Task.Kind.S208_NOTICE: "tdc",  # the receiving housing authority
    Task.Kind.LAC_NOTICE: "kcc",  # children's services
    Task.Kind.LICENCE_EXPIRY: "tdc",
    Task.Kind.NOTICE_COMPLIANCE: "tdc",
    Task.Kind.RETENTION_REVIEW: "kcc",
}
FALLBACK_TEAM = "kcc"  # the Supporting Families lead


@dataclass(frozen=True)
class Due:
    key: str
    kind: str
    title: str
    due_on: date
    household_id: int | None = None
    property_id: int | None = None
    assignee_id: int | None = None
    team_code: str | None = None


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: the 28th exists in every month


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _key_worker(household: Household) -> int | None:
    worker = household.key_worker
    return worker.user_id if worker is not None and worker.user.is_active else None


def _for_household(household: Household, kind: str, team: str | None = None) -> dict[str, object]:
    assignee = _key_worker(household)
    return {
        "household_id": household.pk,
        "assignee_id": assignee,
        "team_code": None if assignee else (team or TEAMS.get(kind, FALLBACK_TEAM)),
    }


def missing_notices(today: date) -> Iterator[Due]:
    rules = {
        NoticeRule.S208_14_DAYS: Task.Kind.S208_NOTICE,
        NoticeRule.LAC_5_WORKING_DAYS: Task.Kind.LAC_NOTICE,
    }
    placements = Placement.objects.filter(
        notification_received_on__isnull=True,
        type__notice_rule__in=list(rules),
        placed_on__gte=today - timedelta(days=LOOKBACK_DAYS),
        placed_on__lte=today,
    ).select_related("type", "placing_authority", "household__key_worker__user")
    for p in placements:
        kind = rules[p.type.notice_rule]
        due = notification_due_on(p.type.notice_rule, p.placed_on)
        if due is None:  # the rules filtered for always give a date
            continue
        what = "s208 notice" if kind == Task.Kind.S208_NOTICE else "looked-after child notice"
        yield Due(
            key=f"placement:{p.pk}:notice",
            kind=kind,
            title=f"{p.household}: {what} from {p.placing_authority} not received (placed {_day(p.placed_on)})",
            due_on=due,
            **_for_household(p.household, kind),  # type: ignore[arg-type]
        )


def expiring_consent(today: date) -> Iterator[Due]:
    kind = Task.Kind.CONSENT_EXPIRY
    bases = DataSharingBasis.objects.filter(
        basis=DataSharingBasis.LawfulBasis.CONSENT,
        withdrawn_on__isnull=True,
        expires_on__gte=today - timedelta(days=LOOKBACK_DAYS),
        expires_on__lte=today + timedelta(days=AHEAD_DAYS[kind]),
        household__status=Household.Status.OPEN,
    ).select_related("household__key_worker__user", "recorded_by__staff_profile__agency")
    for b in bases:
        if b.expires_on is None:
            continue
        recorder = getattr(b.recorded_by, "staff_profile", None)
        yield Due(
            key=f"basis:{b.pk}:expiry",
            kind=kind,
            title=f"{b.household}: consent to share data expires {_day(b.expires_on)}; renew or record another basis",
            due_on=b.expires_on,
            **_for_household(b.household, kind, recorder.agency.code if recorder else None),  # type: ignore[arg-type]
        )


def expiring_licences(today: date) -> Iterator[Due]:
    kind = Task.Kind.LICENCE_EXPIRY
    licences = Licence.objects.filter(
        decision=Licence.Decision.GRANTED,
        revoked_on__isnull=True,
        expires_on__gte=today - timedelta(days=LOOKBACK_DAYS),
        expires_on__lte=today + timedelta(days=AHEAD_DAYS[kind]),
    ).select_related("property")
    for lic in licences:
        yield Due(
            key=f"licence:{lic.pk}:expiry:{lic.expires_on.isoformat()}",
            kind=kind,
            title=f"{lic} at {lic.property.postcode} expires {_day(lic.expires_on)}",
            due_on=lic.expires_on,
            property_id=lic.property_id,
            team_code=TEAMS[kind],
        )


def compliance_checks(today: date) -> Iterator[Due]:
    kind = Task.Kind.NOTICE_COMPLIANCE
    served = EnforcementAction.objects.filter(
        type__in=[EnforcementAction.Type.IMPROVEMENT_NOTICE, EnforcementAction.Type.PROHIBITION_ORDER],
        status=EnforcementAction.Status.SERVED,
        complied_on__isnull=True,
        served_on__gte=today - timedelta(days=LOOKBACK_DAYS + COMPLIANCE_DAYS),
        served_on__lte=today + timedelta(days=AHEAD_DAYS[kind] - COMPLIANCE_DAYS),
    ).select_related("property")
    for action in served:
        due = action.served_on + timedelta(days=COMPLIANCE_DAYS)
        yield Due(
            key=f"enforcement:{action.pk}:compliance",
            kind=kind,
            title=f"Check compliance: {action.get_type_display().lower()} at {action.property.postcode} "
            f"served {_day(action.served_on)}",
            due_on=due,
            property_id=action.property_id,
            team_code=TEAMS[kind],
        )


def plan_reviews(today: date) -> Iterator[Due]:
    kind = Task.Kind.PLAN_REVIEW
    plans = CasePlan.objects.filter(
        status=CasePlan.Status.OPEN, next_review_on__lte=today + timedelta(days=AHEAD_DAYS[kind])
    ).select_related("household__key_worker__user", "lead_agency")
    for plan in plans:
        yield Due(
            key=f"plan:{plan.pk}:review:{plan.next_review_on.isoformat()}",
            kind=kind,
            title=f"{plan.household}: review the case plan",
            due_on=plan.next_review_on,
            **_for_household(plan.household, kind, plan.lead_agency.code),  # type: ignore[arg-type]
        )


def sustain_checks(today: date) -> Iterator[Due]:
    kind = Task.Kind.SUSTAIN_CHECK
    ahead = today + timedelta(days=AHEAD_DAYS[kind])
    earliest = add_months(today - timedelta(days=LOOKBACK_DAYS), -max(SUSTAIN_MONTHS))
    plans = (
        CasePlan.objects.filter(
            status=CasePlan.Status.CLOSED,
            household__closed_on__gte=earliest,
            household__closed_on__lte=add_months(ahead, -min(SUSTAIN_MONTHS)),
            goals__status=Goal.Status.ACHIEVED,
        )
        .distinct()
        .select_related("household__key_worker__user", "lead_agency")
    )
    checked = set(
        SustainCheck.objects.filter(goal__plan__in=plans).values_list("goal__plan_id", "months").distinct()
    )
    for plan in plans:
        closed_on = plan.household.closed_on
        if closed_on is None:
            continue
        for months in SUSTAIN_MONTHS:
            due = add_months(closed_on, months)
            if (plan.pk, months) in checked or not (today - timedelta(days=LOOKBACK_DAYS) <= due <= ahead):
                continue
            yield Due(
                key=f"plan:{plan.pk}:sustain:{months}",
                kind=kind,
                title=f"{plan.household}: check the outcomes achieved are sustained {months} months after closing",
                due_on=due,
                **_for_household(plan.household, kind, plan.lead_agency.code),  # type: ignore[arg-type]
            )


def retention_review(today: date) -> Iterator[Due]:
    """One task a month for the data protection officer, naming no household: the report lists them."""
    count = Household.objects.past_retention(today, years=RETENTION_YEARS).count()
    if count:
        yield Due(
            key=f"retention:{today:%Y-%m}",
            kind=Task.Kind.RETENTION_REVIEW,
            title=f"Review closed cases kept past the {RETENTION_YEARS}-year retention period "
            f"({count:,} on {_day(today)})",
            due_on=today + timedelta(days=14),
            team_code=TEAMS[Task.Kind.RETENTION_REVIEW],
        )


RULES = (
    missing_notices,
    expiring_consent,
    expiring_licences,
    compliance_checks,
    plan_reviews,
    sustain_checks,
    retention_review,
)


def due_on(today: date) -> list[Due]:
    """Every task the data's dates call for on `today`, raised already or not."""
    return [due for rule in RULES for due in rule(today)]


@transaction.atomic
def tasks_raise(*, today: date) -> list[Task]:
    """Raise the tasks the data's dates call for that no earlier run has raised; return the new ones."""
    wanted = {due.key: due for due in due_on(today)}
    keys = list(wanted)
    raised: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        raised.update(Task.objects.filter(source_key__in=chunk).values_list("source_key", flat=True))
    teams = dict(Agency.objects.filter(code__in=set(TEAMS.values()) | {FALLBACK_TEAM, *(
        d.team_code for d in wanted.values() if d.team_code)}).values_list("code", "pk"))  # fmt: skip
    new = [
        Task(
            kind=due.kind,
            title=due.title[:200],
            due_on=due.due_on,
            household_id=due.household_id,
            property_id=due.property_id,
            assignee_id=due.assignee_id,
            team_id=teams.get(due.team_code) if due.team_code else None,
            source_key=due.key,
        )
        for key, due in wanted.items()
        if key not in raised
    ]
    # A team missing from the agencies (a database without the reference data) leaves its tasks unraised
    # rather than unassigned.
    new = [task for task in new if task.assignee_id or task.team_id]
    if not new:
        return []
    return bulk_create_with_history(new, Task, batch_size=500, ignore_conflicts=True)


def _ids(tasks: list[Task], prefix: str) -> dict[int, Task]:
    return {
        int(t.source_key.split(":")[1]): t for t in tasks if t.source_key and t.source_key.startswith(prefix)
    }


@transaction.atomic
def tasks_resolve(*, today: date) -> list[Task]:
    """Close the open raised tasks whose source no longer calls for them: the notice arrived, the notice was
    complied with (or withdrawn), the plan was reviewed (its next review moved on) or closed. Closed by the
    job, so `done_by` stays empty; return them."""
    open_tasks = list(Task.objects.open().filter(source_key__isnull=False).exclude(kind=Task.Kind.MANUAL))
    placements = _ids(open_tasks, "placement:")
    actions = _ids(open_tasks, "enforcement:")
    plans = {
        t: int(t.source_key.split(":")[1])
        for t in open_tasks
        if t.kind == Task.Kind.PLAN_REVIEW and t.source_key
    }
    resolved = [
        *(
            placements[pk]
            for pk in Placement.objects.filter(
                pk__in=placements, notification_received_on__isnull=False
            ).values_list("pk", flat=True)
        ),
        *(
            actions[pk]
            for pk in EnforcementAction.objects.filter(pk__in=actions)
            .exclude(status=EnforcementAction.Status.SERVED)
            .values_list("pk", flat=True)
        ),
    ]
    current = dict(
        CasePlan.objects.filter(pk__in=set(plans.values()), status=CasePlan.Status.OPEN).values_list(
            "pk", "next_review_on"
        )
    )
    for task, plan in plans.items():
        if current.get(plan) is None or f":review:{current[plan].isoformat()}" not in (task.source_key or ""):
            resolved.append(task)
    for task in resolved:
        task.status = Task.Status.DONE
        task.done_on = today
        task.full_clean()
        task.save(update_fields=["status", "done_on"])
    return resolved

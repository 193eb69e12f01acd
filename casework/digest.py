"""The daily digest: one e-mail per person listing their open tasks overdue and due this week, sent through
Django's mail settings (the console by default).

Titles name a case by its reference or a home by its postcode, never a person."""

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse

from .models import Task

WEEK = 7


def _lines(tasks: Iterable[Task]) -> list[str]:
    return [f"- {task.title} (due {task.due_on.day} {task.due_on:%B %Y})" for task in tasks]


def digest_for(user: object, today: date) -> str | None:
    """The digest's text for `user`, or None when nothing is overdue or due this week."""
    tasks = Task.objects.visible_to(user)  # type: ignore[arg-type]
    overdue = list(tasks.overdue(today))
    week = list(tasks.due_within(today, days=WEEK))
    if not overdue and not week:
        return None
    parts = [f"Your work on {today.day} {today:%B %Y}."]
    if overdue:
        parts += ["", f"Overdue ({len(overdue)}):", *_lines(overdue)]
    if week:
        parts += ["", f"Due in the next {WEEK} days ({len(week)}):", *_lines(week)]
    parts += ["", f"Open My work to see and close them: {reverse('casework:my_work')}"]
    return "\n".join(parts)


def digest_send(*, today: date) -> int:
    """Send each active member of staff with an e-mail address their digest; return how many were sent."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, staff_profile__isnull=False)
        .exclude(email="")
        .select_related("staff_profile")
        .order_by("pk")
    )
    messages = []
    for user in users:
        body = digest_for(user, today)
        if body is not None:
            subject = f"Margate Task Force: your tasks for {today.day} {today:%B %Y}"
            messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
    if not messages:
        return 0
    with get_connection() as connection:
        return connection.send_messages(messages) or 0

"""The daily Celery task (beat schedule in settings): thin, it calls the one daily run."""

from celery import shared_task
from django.utils import timezone

from .daily import daily_run


@shared_task(name="casework.raise_tasks", ignore_result=True)
def raise_tasks() -> None:
    daily_run(today=timezone.localdate())

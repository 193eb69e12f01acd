"""The Celery application. Configuration lives in settings.py under the CELERY_ prefix."""

import gc
import os
from typing import Any

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taskforce.settings")

app = Celery("taskforce")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def freeze_loaded_objects(**kwargs: Any) -> None:
    """Each worker process, once started, freezes what it has loaded out of the cyclic garbage collector's
    full passes, as the web processes do (taskforce/wsgi.py)."""
    gc.freeze()

"""The web and worker processes' start: every view loaded before the first request, and what was loaded then
frozen out of the cyclic garbage collector's full passes (taskforce/wsgi.py, asgi.py, celery.py)."""

import gc
import importlib
import sys

import pytest
from celery.signals import worker_process_init

import taskforce.asgi
import taskforce.celery  # connects the worker processes' freeze
import taskforce.wsgi


@pytest.mark.parametrize("module", [taskforce.wsgi, taskforce.asgi], ids=["wsgi", "asgi"])
def test_a_web_process_loads_every_view_then_freezes_what_it_loaded(module: object) -> None:
    gc.unfreeze()
    try:
        importlib.reload(module)  # type: ignore[arg-type]
        assert "outcomes.views" in sys.modules
        assert "casework.views" in sys.modules
        # Django, the apps and their views, pandas and NumPy: hundreds of thousands of objects.
        assert gc.get_freeze_count() > 100_000
    finally:
        gc.unfreeze()


def test_a_worker_process_freezes_what_it_loaded() -> None:
    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        # What Celery sends in each worker process once it has started.
        worker_process_init.send(sender=None)
        assert gc.get_freeze_count() > 100_000
    finally:
        gc.unfreeze()

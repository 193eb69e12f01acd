"""ASGI entry point."""

import gc
import os

from django.core.asgi import get_asgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taskforce.settings")

application = get_asgi_application()
# Every view loaded now, not at the first request; then everything loaded (Django, the apps and their views,
# pandas, NumPy: about 320,000 objects), which lasts as long as the process, frozen out of the cyclic garbage
# collector's full passes: each would otherwise walk all of it, about 0.1 s of CPU every few dashboard
# computations (docs/benchmarks.md).
get_resolver().url_patterns  # noqa: B018
gc.freeze()

"""Optimistic concurrency: a record's ETag is a digest of its stored fields; an update must name it."""

import hashlib
import json

from django.db import models
from rest_framework.request import Request

from .exceptions import PreconditionFailed, PreconditionRequired


def etag_of(instance: models.Model) -> str:
    values = [[f.attname, f.value_to_string(instance)] for f in instance._meta.concrete_fields]
    return '"' + hashlib.sha256(json.dumps(values).encode()).hexdigest()[:32] + '"'


def require_current(request: Request, instance: models.Model) -> None:
    """Refuse the update unless If-Match names the record's current ETag (428 without one, 412 if stale)."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired()
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    if etag_of(instance) not in tags:
        raise PreconditionFailed()

"""The audit trail: the route of every change (kept in history), and the access log of every read.

Changes: django-simple-history keeps who and when; `route("api")` around a request records through which
route a change came, as the history row's change reason ("api", "web", "import"), and `changes_by(user)`
says who made the changes of a job that runs outside any request.

Reads: `access_record(...)` writes one AccessLog row, and one AccessLogSubject row per person whose data
the read exposed, inside the caller's transaction, so a read whose log cannot be written fails.
"""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from types import SimpleNamespace
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models import Subquery
from simple_history.models import HistoricalRecords

from .models import AccessLog, AccessLogSubject
from .scoping import User, role_of

_route: ContextVar[str | None] = ContextVar("taskforce_change_route", default=None)


@contextmanager
def route(name: str) -> Iterator[None]:
    """Record changes made inside the block as coming through `name` ("api", "web", "import")."""
    token = _route.set(name)
    try:
        yield
    finally:
        _route.reset(token)


@contextmanager
def changes_by(user: Any) -> Iterator[None]:
    """Record changes made inside the block as `user`'s where no request says who (a job in a worker).

    django-simple-history takes the user from the request its middleware keeps; a request already there
    (the job running inside it) keeps its own user.
    """
    context = HistoricalRecords.context
    if getattr(context, "request", None) is not None or user is None:
        yield
        return
    context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        del context.request


def current_route() -> str | None:
    return _route.get()


def reason_from_route(sender: Any, history_instance: Any, **kwargs: Any) -> None:
    """pre_create_historical_record receiver: an explicit change reason wins over the route."""
    if not history_instance.history_change_reason and (name := current_route()):
        history_instance.history_change_reason = name


def people_exposed_by(model: type[models.Model], ids: Sequence[int]) -> list[int]:
    """Ids of the people whose data a read of these rows shows: the people themselves, the person a row is
    about, and every member (past or present) of the household a row belongs to."""
    if not ids:
        return []
    fields = {f.name for f in model._meta.get_fields()}
    if model._meta.label_lower == "households.person":
        return sorted(set(ids))
    membership = apps.get_model("households", "Membership")
    queries = []
    if model._meta.label_lower == "households.household":
        queries.append(
            membership.objects.filter(household__in=list(ids)).values_list("person_id", flat=True).order_by()
        )
    elif "household" in fields:
        households = model._default_manager.filter(pk__in=ids).values("household_id")
        queries.append(
            membership.objects.filter(household__in=Subquery(households))
            .values_list("person_id", flat=True)
            .order_by()
        )
    if "person" in fields:
        queries.append(
            model._default_manager.filter(pk__in=ids, person__isnull=False)
            .values_list("person_id", flat=True)
            .order_by()
        )
    if not queries:
        return []
    combined = queries[0].union(*queries[1:]) if len(queries) > 1 else queries[0].distinct()
    return sorted(set(combined))


@transaction.atomic
def access_record(
    *,
    user: User,
    route: str,
    action: str,
    resource: str,
    object_ids: Iterable[int] = (),
    person_ids: Iterable[int] = (),
    query: str = "",
    purpose: str = "",
    client_address: str | None = None,
) -> AccessLog:
    """Log one read of personal data. Raises if the row cannot be written, failing the read with it."""
    entry = AccessLog.objects.create(
        user=user if user.is_authenticated else None,
        username=user.get_username() if user.is_authenticated else "",
        role=role_of(user) or "",
        route=route,
        action=action,
        resource=resource,
        object_ids=list(object_ids),
        query=query[:500],
        purpose=purpose[:200],
        client_address=client_address,
    )
    subjects = [AccessLogSubject(entry=entry, person_id=pk) for pk in sorted(set(person_ids))]
    if subjects:
        AccessLogSubject.objects.bulk_create(subjects)
    return entry

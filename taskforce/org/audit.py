"""The audit trail: the route of every change (kept in history), and the access log of every read.

Changes: django-simple-history keeps who and when; `route("api")` around a request records through which
route a change came, as the history row's change reason ("api", "web", "import"), and `changes_by(user)`
says who made the changes of a job that runs outside any request.

Reads: `access_record(...)` writes one AccessLog row, and one AccessLogSubject row per person whose data
the read exposed, inside the caller's transaction, so a read whose log cannot be written fails.

Attempts: a read refused for the role (403) or finding nothing the user may see (404) is noted on the request
(`note_attempt`, called by `visible_or_404`, `require_role` and the API's role check) and written by
`AccessAttemptMiddleware` once the response is made, outside the transaction the refusal rolled back.
"""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from types import SimpleNamespace
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models import Subquery
from django.http import Http404, HttpRequest
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
    outcome: str = AccessLog.Outcome.ALLOWED,
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
        outcome=outcome,
    )
    subjects = [AccessLogSubject(entry=entry, person_id=pk) for pk in sorted(set(person_ids))]
    if subjects:
        AccessLogSubject.objects.bulk_create(subjects)
    return entry


ATTEMPTS = "_taskforce_access_attempts"


def note_attempt(
    request: Any,
    *,
    outcome: str,
    resource: str,
    object_ids: Iterable[int] = (),
    person_ids: Iterable[int] = (),
    action: str = AccessLog.Action.DETAIL,
) -> None:
    """Remember a refused or out-of-scope read for `AccessAttemptMiddleware` to log after the response.

    `request` is Django's request or a REST framework one wrapping it; the user is taken now, because an API
    token is known only inside the view.
    """
    http = getattr(request, "_request", request)
    user = request.user
    if not user.is_authenticated:
        return
    path = http.path[:250]
    query = http.META.get("QUERY_STRING", "")
    http.__dict__.setdefault(ATTEMPTS, []).append(
        {
            "user": user,
            "route": AccessLog.Route.API if path.startswith("/api/") else AccessLog.Route.WEB,
            "action": action,
            "outcome": outcome,
            "resource": resource[:60],
            "object_ids": list(object_ids),
            "person_ids": list(person_ids),
            "query": f"{path}?{query}" if query else path,
            "client_address": http.META.get("REMOTE_ADDR") or None,
        }
    )


def write_attempts(request: HttpRequest) -> None:
    """Log the attempts noted on this request, each in its own transaction."""
    for attempt in request.__dict__.pop(ATTEMPTS, []):
        access_record(**attempt)


def visible_or_404(request: Any, visible: models.QuerySet, *, pk: Any) -> Any:
    """The record `pk` from the rows the user may see, or Http404 with the attempt noted for the access log.

    The one place the web pages and the API open a household, person or other record of personal data by id:
    a miss leaves a trace (its id, and whose data it would have shown when the record exists), so someone
    trying ids one by one shows in the log and in the data protection officer's probing alert.
    """
    model = visible.model
    try:
        return visible.get(pk=pk)
    except model.DoesNotExist:
        exists = model._default_manager.filter(pk=pk).exists()
        note_attempt(
            request,
            outcome=AccessLog.Outcome.OUT_OF_SCOPE,
            resource=model._meta.label_lower,
            object_ids=[int(pk)],
            person_ids=people_exposed_by(model, [int(pk)]) if exists else [],
        )
        raise Http404(f"No {model._meta.verbose_name} found.") from None

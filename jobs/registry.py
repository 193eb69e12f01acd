"""Which code runs each kind of job. Each app registers its own kinds in its `AppConfig.ready()`, so the
engine knows none of them by name and a reader finds a kind's handler beside the app that owns it."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser, User

if TYPE_CHECKING:
    from .models import Job
    from .services import JobProgress

Handler = Callable[["Job", "JobProgress"], dict[str, Any]]
# Who besides the requester may follow a job's progress (for example, anyone who may open its import).
Viewers = Callable[["Job", User | AnonymousUser], bool]


@dataclass(frozen=True)
class Kind:
    name: str
    handler: Handler
    may_follow: Viewers | None = None


_KINDS: dict[str, Kind] = {}
# Callbacks run after a job of a kind has succeeded and its finish is saved (an app reacting to another's
# work, such as recomputing dashboards after an import, without the engine knowing either).
_AFTER_SUCCESS: dict[str, list[Callable[["Job"], None]]] = {}


def register(name: str, handler: Handler, *, may_follow: Viewers | None = None) -> None:
    """Make `name` a kind of job run by `handler(job, progress) -> result`. Registering again replaces it."""
    _KINDS[name] = Kind(name=name, handler=handler, may_follow=may_follow)


def is_registered(name: str) -> bool:
    return name in _KINDS


def kinds() -> list[str]:
    return sorted(_KINDS)


def handler_for(name: str) -> Handler:
    try:
        return _KINDS[name].handler
    except KeyError:
        raise LookupError(
            f"No handler is registered for jobs of kind {name!r}: registered are {', '.join(kinds())}."
        ) from None


def may_follow(job: "Job", user: User | AnonymousUser) -> bool:
    """Whether `user` may read this job's progress: whoever asked for it, or whom its kind allows."""
    if not user.is_authenticated or not user.is_active:
        return False
    if job.requested_by_id is not None and job.requested_by_id == user.pk:
        return True
    kind = _KINDS.get(job.kind)
    return bool(kind and kind.may_follow and kind.may_follow(job, user))


def on_success(name: str, callback: Callable[["Job"], None]) -> None:
    """Call `callback(job)` after each job of kind `name` succeeds. Registering the same callback again
    does nothing."""
    callbacks = _AFTER_SUCCESS.setdefault(name, [])
    if callback not in callbacks:
        callbacks.append(callback)


def after_success(job: "Job") -> list[Callable[["Job"], None]]:
    """The callbacks registered for this job's kind."""
    return list(_AFTER_SUCCESS.get(job.kind, ()))

"""What every web page of personal data shares: the role check, the access-log row for what a page shows, and
the GOV.UK form page that feeds one service.

Who may use a page follows the API: a role that may not read or write what a page holds gets 403; a record
outside the user's scope is 404, as if it did not exist.
"""

from collections.abc import Callable, Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.forms import Form, model_to_dict
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View

from . import audit, scoping
from .models import AccessLog


def log_read(
    request: HttpRequest,
    *,
    model: type[models.Model],
    ids: Sequence[int],
    action: str = AccessLog.Action.DETAIL,
    person_ids: Sequence[int] | None = None,
) -> None:
    """One access-log row for a page of personal data, in the caller's transaction, as the API writes it."""
    audit.access_record(
        user=request.user,
        route=AccessLog.Route.WEB,
        action=action,
        resource=model._meta.label_lower,
        object_ids=ids,
        person_ids=audit.people_exposed_by(model, ids) if person_ids is None else person_ids,
        query=request.META.get("QUERY_STRING", ""),
        client_address=request.META.get("REMOTE_ADDR") or None,
    )


def require_role(request: HttpRequest, allowed: Callable[[Any], bool], *, resource: str = "") -> None:
    """403 for a role the page is not for; the refusal goes in the access log (`resource`, or the path)."""
    if not allowed(request.user):
        audit.note_attempt(request, outcome=AccessLog.Outcome.REFUSED, resource=resource or request.path)
        raise PermissionDenied("Your role cannot use this page.")


class RecordFormView(View):
    """A GOV.UK form page that feeds one service. Subclasses say what it writes (a key of `scoping.WRITES`),
    which records the URL names, which form, what to save and where to go next.

    A failed submission re-renders with everything the user typed, the error summary and inline messages;
    a service's ValidationError lands on the fields it names.
    """

    form_class: type[Form]
    template_name = "taskforce/forms/page.html"
    title: str
    button = "Save"
    writes: str
    instance: models.Model | None = None
    fields_from_instance: Sequence[str] = ()

    @method_decorator(login_required)
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not scoping.may_write(request.user, self.writes):
            # Roles that may read but not write (ward managers on case forms) get 403; others never see
            # the record.
            raise PermissionDenied("Your role cannot make this change.")
        with transaction.atomic(), audit.route("web"):
            self.load(**kwargs)
            return super().dispatch(request, *args, **kwargs)

    def load(self, **kwargs: Any) -> None:
        """Read the records the URL names, each from those the user may see (404 otherwise)."""

    def subject(self) -> models.Model | None:
        """The record the page shows, for the access log."""
        return self.instance

    def initial(self) -> dict[str, Any]:
        if self.instance is None:
            return {}
        return model_to_dict(self.instance, fields=self.fields_from_instance or None)

    def get_form(self, data: Any = None) -> Form:
        return self.form_class(data, initial=self.initial(), user=self.request.user)  # type: ignore[call-arg]

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        self.log()
        return self.render(self.get_form())

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    saved = self.save(form.cleaned_data)
            except ValidationError as error:
                form.add_service_errors(error)  # type: ignore[attr-defined]
            else:
                messages.success(request, self.done_message(saved))
                return HttpResponseRedirect(self.success_url(saved))
        self.log()
        return self.render(form)

    def log(self) -> None:
        target = self.subject()
        if target is not None:
            log_read(self.request, model=type(target), ids=[target.pk])

    def render(self, form: Form) -> HttpResponse:
        return render(
            self.request,
            self.template_name,
            {"form": form, "view": self, "title": self.title, "button": self.button},
        )

    def save(self, data: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def done_message(self, saved: models.Model) -> str:
        return f"{self.title}: saved"

    def success_url(self, saved: models.Model) -> str:
        raise NotImplementedError

    def back_url(self) -> str:
        raise NotImplementedError

    def caption(self) -> str:
        return ""

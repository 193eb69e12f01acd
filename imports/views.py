"""Import pages: the batches a user may see, uploading a file, and a batch's report, commit and progress.

Who may use the pages is the API's rule, `imports.querysets.kinds_for` (a role that may import nothing gets
403, as the API's permission check answers), and which batches they see is the API's queryset,
`ImportBatch.objects.visible_to`: a batch outside it is 404, as if it did not exist. Writes go through
`imports.services`. A report quotes the values it refused, which may be personal data, so a page or CSV
that shows problems writes an access-log row in the same transaction, as every read of personal data does.
"""

import io
import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from taskforce.org import audit, scoping
from taskforce.org.csvsafe import write_csv
from taskforce.org.models import AccessLog

from .forms import UploadForm
from .kinds import COLUMNS
from .models import ImportBatch
from .querysets import kinds_for
from .services import ImportRefused, batch_commit, batch_upload
from .uploads import UploadTooLarge, refusal

logger = logging.getLogger(__name__)

PAGE_SIZE = 25
PROBLEMS_PAGE_SIZE = 50
PROBLEM_COLUMNS = ["row", "column", "value", "rule"]


def _require_importer(request: HttpRequest) -> frozenset[str]:
    kinds = kinds_for(request.user)
    if not kinds:
        raise PermissionDenied("Your role cannot import files.")
    return kinds


def _visible_batch(request: HttpRequest, pk: int, *, with_report: bool = True) -> ImportBatch:
    _require_importer(request)
    batches = ImportBatch.objects.visible_to(request.user).select_related("job", "uploaded_by")
    if not with_report:
        batches = batches.defer("report")
    return get_object_or_404(batches, pk=pk)


def _log_problems(request: HttpRequest, batch: ImportBatch, action: str) -> None:
    """One access-log row for a read of a batch's problems (values quoted from the file)."""
    audit.access_record(
        user=request.user,
        route=AccessLog.Route.WEB,
        action=action,
        resource=ImportBatch._meta.label_lower,
        object_ids=[batch.pk],
        query=request.META.get("QUERY_STRING", ""),
        client_address=request.META.get("REMOTE_ADDR") or None,
    )


@login_required
@require_GET
def batch_list(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    batches = (
        ImportBatch.objects.visible_to(request.user)
        .select_related("job", "uploaded_by")
        .defer("report", "options")
    )
    page = Paginator(batches, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "imports/batches.html", {"page": page, "batches": list(page.object_list)})


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, user=request.user)
        refused = refusal(request)
        if refused is not None:
            # The file was stopped as it streamed in: nothing of it was kept, so "select a file" would mislead.
            form.is_valid()
            form.errors.pop("file", None)
            form.add_error("file", str(refused))
        elif form.is_valid():
            file = form.cleaned_data["file"]
            file.seek(0)
            # Checked here, then committed as a separate step, so a job that fails while this request
            # runs it is shown on the batch page like one that fails in a worker.
            try:
                batch = batch_upload(
                    kind=form.cleaned_data["kind"],
                    file_name=file.name,
                    data=file,
                    uploaded_by=scoping.signed_in(request.user),
                    dry_run=True,
                    options=form.options(),
                )
            except UploadTooLarge as exc:
                form.add_error("file", str(exc))
            else:
                if batch.status == ImportBatch.Status.VALID and not form.cleaned_data["dry_run"]:
                    _commit(request, batch)
                return redirect("imports:detail", pk=batch.pk)
    else:
        form = UploadForm(initial={"kind": request.GET.get("kind")}, user=request.user)
    return render(request, "imports/upload.html", {"form": form})


@login_required
@require_GET
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    with transaction.atomic():
        batch = _visible_batch(request, pk)
        problems = list(batch.report.get("problems", []))
        page = Paginator(problems, PROBLEMS_PAGE_SIZE).get_page(request.GET.get("page"))
        twin_id = batch.report.get("already_imported_by")
        twin_visible = (
            twin_id is not None and ImportBatch.objects.visible_to(request.user).filter(pk=twin_id).exists()
        )
        if problems:
            _log_problems(request, batch, AccessLog.Action.DETAIL)
        context: dict[str, Any] = {
            "batch": batch,
            "page": page,
            "problems": list(page.object_list),
            "twin_id": twin_id,
            "twin_visible": twin_visible,
            "failed": batch.has_failed,
            "in_progress": batch.is_in_progress,
            "can_commit": batch.state == ImportBatch.State.VALID and twin_id is None,
            "columns": COLUMNS[batch.kind],
        }
        return render(request, "imports/batch.html", context)


@login_required
@require_POST
def commit(request: HttpRequest, pk: int) -> HttpResponse:
    _commit(request, _visible_batch(request, pk, with_report=False))
    return redirect("imports:detail", pk=pk)


def _commit(request: HttpRequest, batch: ImportBatch) -> None:
    try:
        with audit.route("web"):
            batch_commit(batch=batch, requested_by=scoping.signed_in(request.user))
    except ImportRefused as exc:
        messages.error(request, str(exc))
    except Exception:
        # Where tasks run in this process the job runs as the commit's transaction ends, and its failure
        # comes back here. The job has recorded it and the batch page says so; anything else is a bug.
        batch = ImportBatch.objects.select_related("job").defer("report").get(pk=batch.pk)
        if not batch.has_failed:
            raise
        logger.exception("Import #%s failed while being written", batch.pk)


@login_required
@require_GET
def problems_csv(request: HttpRequest, pk: int) -> HttpResponse:
    with transaction.atomic():
        batch = _visible_batch(request, pk)
        problems = batch.report.get("problems", [])
        out = io.StringIO()
        write_csv(out, PROBLEM_COLUMNS, ([p.get(c, "") for c in PROBLEM_COLUMNS] for p in problems))
        if problems:
            _log_problems(request, batch, AccessLog.Action.EXPORT)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-problems.csv"'
    return response


@login_required
@require_GET
def columns_csv(request: HttpRequest, kind: str) -> HttpResponse:
    """An empty file with the kind's header row, to fill in."""
    if kind not in _require_importer(request):
        raise Http404("No such kind of import.")
    out = io.StringIO()
    write_csv(out, COLUMNS[kind], [])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}.csv"'
    return response

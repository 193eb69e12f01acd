"""Uploads held to IMPORT_MAX_BYTES while they stream in, and the refusal they get when they are over it.

`LimitedUploadHandler` is the first of settings.FILE_UPLOAD_HANDLERS: a request whose declared length is
over the limit is refused before its body is read, and a file that grows past the limit is stopped at the
chunk that crosses it, before anything is stored. The view then answers with `UploadTooLarge`'s message,
and no batch or file exists for it. `batch_create` holds files from any other source (the command line) to
the same limit as it copies them.
"""

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict

# Room for the form's other fields and the multipart boundaries around the file.
FORM_ALLOWANCE = 64 * 1024
REFUSED = "taskforce_upload_too_large"


class UploadTooLarge(Exception):
    """The file is over the import size limit: nothing was kept."""

    def __init__(self, size: int | None = None) -> None:
        limit = settings.IMPORT_MAX_BYTES
        said = f"The file is {size / 1e6:.1f} MB; the" if size else "The file is over the size limit; the"
        super().__init__(f"{said} limit is {limit / 1e6:.0f} MB. Split it into smaller files.")


def refusal(request: HttpRequest) -> UploadTooLarge | None:
    """Why the upload handler refused this request's file, if it did."""
    return getattr(request, REFUSED, None)


class LimitedUploadHandler(FileUploadHandler):
    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: str | None = None
    ) -> tuple[QueryDict, MultiValueDict] | None:
        if content_length and content_length > settings.IMPORT_MAX_BYTES + FORM_ALLOWANCE:
            setattr(self.request, REFUSED, UploadTooLarge(content_length))
            # Parsed as empty: the body is never read, so nothing of it is stored anywhere.
            return QueryDict(encoding=encoding), MultiValueDict()
        return None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > settings.IMPORT_MAX_BYTES:
            setattr(self.request, REFUSED, UploadTooLarge())
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

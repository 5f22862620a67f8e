"""Uploads larger than ``settings.MAX_UPLOAD_BYTES`` are refused before their body is read.

Every page that accepts a file (data submission, the actions import, any
later one) is covered by two guards, installed in `safeplan.settings`:

- `UploadLimitMiddleware` refuses a request whose ``Content-Length`` is larger
  than the limit (with room for the form's other fields) without reading a
  byte of its body; otherwise it parses a multipart body itself, before any
  view or the CSRF check reads it, through
- `UploadLimitHandler`, the first upload handler, which counts each file's
  bytes as they arrive and stops reading at the limit.

Either way the answer is a page (HTTP 413) saying how large a file may be, not
an error: nothing of the file is kept.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

FORM_OVERHEAD = 64 * 1024  # the form's other fields and the multipart boundaries
_REFUSED = "safeplan.upload_refused"  # set in request.META by the handler


class UploadLimitHandler(FileUploadHandler):
    """Stop an upload as soon as one file passes ``MAX_UPLOAD_BYTES``; the later handlers store it."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > settings.MAX_UPLOAD_BYTES:
            if self.request is not None:
                self.request.META[_REFUSED] = self.file_name
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler makes the file


def _content_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0  # Django reads no body without a valid length either


def upload_too_large(request: HttpRequest, size: int | None) -> HttpResponse:
    """The page for a refused upload: its size when known, the limit, and what to do."""
    context = {"limit": settings.MAX_UPLOAD_BYTES, "size": size, "back": request.path}
    return render(request, "pages/upload_too_large.html", context, status=413)


class UploadLimitMiddleware:
    """Refuse a request body larger than the upload limit, before anything reads it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        declared = _content_length(request)
        if declared > settings.MAX_UPLOAD_BYTES + FORM_OVERHEAD:
            return upload_too_large(request, declared)
        if request.method == "POST" and request.content_type == "multipart/form-data":
            request.POST  # noqa: B018  # parsed here, through UploadLimitHandler
            if _REFUSED in request.META:
                return upload_too_large(request, None)
        return self.get_response(request)

"""Receiving a video: refused by its announced size before the body is read, and stopped as
soon as more bytes arrive than allowed (a client may announce less than it sends).

The handler streams the one expected file to a temporary file on disk in chunks (as Django's
:class:`~django.core.files.uploadhandler.TemporaryFileUploadHandler` does), so a 200 MB video
is never held in memory; every other file field is skipped unread.
"""

from __future__ import annotations

from django.core.files.uploadhandler import (
    SkipFile,
    StopUpload,
    TemporaryFileUploadHandler,
)
from django.http import HttpRequest

__all__ = ["LimitedUploadHandler", "announced_size"]


def announced_size(request: HttpRequest) -> int | None:
    """The request's Content-Length, or None when absent or not a number."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


class LimitedUploadHandler(TemporaryFileUploadHandler):
    """Writes the file field ``field`` to disk; stops the upload past ``limit`` bytes."""

    def __init__(self, request: HttpRequest, *, limit: int, field: str = "video") -> None:
        super().__init__(request)
        self.limit = limit
        self.field = field
        #: True once the upload was stopped for being too large: the view says so
        self.exceeded = False
        self.received = 0

    def new_file(self, field_name: str, *args: object, **kwargs: object) -> None:
        if field_name != self.field:
            raise SkipFile  # only the video is wanted; anything else is not even stored
        super().new_file(field_name, *args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received = start + len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            # connection_reset: stop reading the body at all, rather than draining it
            raise StopUpload(connection_reset=True)
        return super().receive_data_chunk(raw_data, start)

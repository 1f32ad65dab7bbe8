"""Reading a submitted portfolio file from a request: its bytes and a file name.

The file name (its extension picks the reader) comes from ``?filename=``, else the
``Content-Disposition`` header, else the media type; a ``multipart/form-data`` body gives its
first file part with that part's file name.
"""

from __future__ import annotations

from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP

from fastapi import Request

from pvkg.errors import InputError, PayloadTooLarge, UnsupportedFormat
from pvkg.settings import Settings

EXTENSION_BY_MEDIA = {
    "text/csv": ".csv",
    "application/csv": ".csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "text/turtle": ".ttl",
    "application/x-turtle": ".ttl",
    "application/ld+json": ".jsonld",
    "application/rdf+xml": ".rdf",
    "application/n-triples": ".nt",
}


def _disposition_filename(value: str | None) -> str | None:
    if not value:
        return None
    message = Message()
    message["content-disposition"] = value
    name = message.get_filename()
    return name.replace("\\", "/").rsplit("/", 1)[-1] if name else None


def _by_media(media: str, stem: str) -> str:
    extension = EXTENSION_BY_MEDIA.get(media)
    if extension is None:
        known = ", ".join(sorted(EXTENSION_BY_MEDIA))
        raise UnsupportedFormat(
            f"cannot tell the file type: give ?filename=, a Content-Disposition file name, "
            f"or one of these Content-Types: {known} (got {media or 'none'!r})"
        )
    return stem + extension


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing more than ``limit`` bytes without reading them all.

    Raises:
        PayloadTooLarge: the declared or actual length is over ``limit`` (HTTP 413).
    """
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the request body is {declared} bytes; at most {limit} are allowed")
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"the request body is over {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def read_upload(request: Request, settings: Settings, stem: str) -> tuple[bytes, str]:
    """The uploaded file's bytes and name.

    Raises:
        PayloadTooLarge: over ``max_upload_bytes`` (HTTP 413).
        UnsupportedFormat: the file type cannot be told (HTTP 415).
        InputError: an empty body or a malformed multipart body.
    """
    body = await read_body(request, settings.max_upload_bytes)
    content_type = request.headers.get("content-type", "")
    media = content_type.split(";")[0].strip().lower()
    if media == "multipart/form-data":
        body, name = _first_file(content_type, body, stem)
    else:
        name = request.query_params.get("filename") or _disposition_filename(
            request.headers.get("content-disposition")
        )
        name = name or _by_media(media, stem)
    if not body:
        raise InputError("the request has no file in its body")
    return body, name


def multipart_parts(content_type: str, body: bytes) -> list[Message]:
    """The parts of a multipart/form-data body (what both uploads and the Graph Store read).

    Raises:
        InputError: the body is not multipart.
    """
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    if not message.is_multipart():
        raise InputError("malformed multipart/form-data body")
    return list(message.iter_parts())  # type: ignore[attr-defined]


def _first_file(content_type: str, body: bytes, stem: str) -> tuple[bytes, str]:
    """The one file of a multipart body; a second file is refused rather than ignored."""
    files: list[tuple[bytes, str]] = []
    for part in multipart_parts(content_type, body):
        data = part.get_payload(decode=True) or b""
        name = part.get_filename()
        if name:
            files.append((data, name.replace("\\", "/").rsplit("/", 1)[-1]))
        elif part.get_content_type() in EXTENSION_BY_MEDIA:
            files.append((data, _by_media(part.get_content_type(), stem)))
    if len(files) > 1:
        names = ", ".join(name for _, name in files)
        raise InputError(
            f"the body holds {len(files)} files ({names}); send one portfolio per request"
        )
    if files:
        return files[0]
    raise InputError("the multipart/form-data body has no file part")

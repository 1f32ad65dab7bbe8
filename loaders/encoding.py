"""Text decoding of CSV files (INTERFACES.md §2).

UTF-8 (with or without BOM) first, UTF-16 when the file starts with a UTF-16 BOM, then
Windows-1257 as Latvian Excel saves it, but only when the whole file decodes strictly and holds
no control characters. A file that is mostly UTF-8 with a stray byte is rejected with the line
of the first undecodable byte. ``encoding=`` overrides the detection.
"""

from __future__ import annotations

import codecs
import re

from pvkg.errors import Location, SourceSyntaxError


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


# C0 controls except tab and line breaks, DEL and the C1 controls: one regex scan, not a Python
# loop over every character (that loop was a fifth of reading a CSV file).
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _has_controls(text: str) -> bool:
    return _CONTROLS.search(text) is not None


_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")
# What a UTF-8 sequence in a Latvian portfolio decodes to: Latvian (and neighbouring) letters,
# typographic quotes, dashes and spaces. Windows-1257 text forms valid UTF-8 pairs by chance (an
# upper-case letter before a quote or dash: "ĢIMENĒ”" holds C7 94, UTF-8 for "ǔ"), so only
# sequences that decode to these count as evidence that part of the file is UTF-8.
_UTF8_EVIDENCE = frozenset(
    "āčēģīķļņōŗšūžĀČĒĢĪĶĻŅŌŖŠŪŽäöõüÄÖÕÜąęėįųĄĘĖĮŲéÉóÓ„“”‘’«»–—…€°§\u00a0\u202f"
)


def _looks_like_utf8(data: bytes, error: UnicodeDecodeError) -> bool:
    """Whether the file also holds real multi-byte UTF-8 (a mixed-encoding file)."""
    return any(
        match.group().decode("utf-8", "ignore") in _UTF8_EVIDENCE
        for match in _UTF8_SEQUENCE.finditer(data)
    )


def decode_utf8(data: bytes, filename: str) -> str:
    """Decode a file that must be UTF-8 (a BOM is allowed): registry and survey CSV files.

    Raises:
        SourceSyntaxError: not valid UTF-8; names the file and the line of the first bad byte.

    >>> decode_utf8("\ufeffIestāde".encode(), "r.csv")
    'Iestāde'
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise SourceSyntaxError(
            "not valid UTF-8 text", location=Location(file=filename, line=_line_of(data, err.start))
        ) from None


def decode_text(data: bytes, filename: str, encoding: str | None = None) -> str:
    """Decode a CSV file's bytes to text.

    Raises:
        SourceSyntaxError: the bytes are not valid in the forced encoding, mix encodings, or are
            not text at all; names the file and the line of the first bad byte.

    >>> decode_text("Iestāde".encode("cp1257"), "a.csv")
    'Iestāde'
    """
    if encoding:
        return _decode_forced(data, filename, encoding)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode_forced(data, filename, "utf-16")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        _reject_binary(data, filename)
        if _looks_like_utf8(data, err):
            raise SourceSyntaxError(
                f"byte 0x{data[err.start]:02x} is not valid UTF-8, but other parts of the file "
                "are UTF-8: the file mixes encodings; save it again as UTF-8",
                location=Location(file=filename, line=_line_of(data, err.start)),
            ) from None
        return _decode_cp1257(data, filename, err)
    if "\x00" in text or _has_controls(text):
        raise SourceSyntaxError(
            "the file holds control characters: not a text (CSV) file",
            location=Location(file=filename, line=_first_control_line(text)),
        )
    return text


# Files that are not text at all, by their first bytes: named, so that a workbook saved with the
# wrong extension is not reported as a text file in a wrong encoding.
_SIGNATURES = (
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook?); give an .xlsx its own extension"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls or an encrypted workbook; save it as .xlsx or CSV"),
    (b"%PDF", "a PDF document"),
)
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _reject_binary(data: bytes, filename: str) -> None:
    """Raise when the bytes are a known binary format or hold control bytes (not CSV text)."""
    for magic, what in _SIGNATURES:
        if data.startswith(magic):
            raise SourceSyntaxError(
                f"not a CSV text file: this is {what}", location=Location(file=filename, line=1)
            )
    if found := _BINARY_BYTES.search(data):
        raise SourceSyntaxError(
            f"byte 0x{data[found.start()]:02x} is a control character: binary data, not a CSV "
            "text file",
            location=Location(file=filename, line=_line_of(data, found.start())),
        )


def _decode_cp1257(data: bytes, filename: str, utf8_error: UnicodeDecodeError) -> str:
    try:
        text = data.decode("cp1257")
    except UnicodeDecodeError:
        text = None
    if text is None or _has_controls(text) or "\x00" in text:
        raise SourceSyntaxError(
            f"byte 0x{data[utf8_error.start]:02x} is neither UTF-8 nor Windows-1257 text; "
            "not a readable CSV file (use --encoding to force one)",
            location=Location(file=filename, line=_line_of(data, utf8_error.start)),
        )
    return text


def _decode_forced(data: bytes, filename: str, encoding: str) -> str:
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise SourceSyntaxError(
            f"unknown encoding {encoding!r}", location=Location(file=filename)
        ) from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as err:
        raise SourceSyntaxError(
            f"byte 0x{data[err.start]:02x} is not valid {encoding}",
            location=Location(file=filename, line=_line_of(data, err.start)),
        ) from None
    return text.removeprefix("\ufeff")


def _first_control_line(text: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if _has_controls(line) or "\x00" in line:
            return number
    return 1

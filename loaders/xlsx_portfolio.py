"""Excel (.xlsx) portfolios, read with openpyxl in read-only mode.

The first worksheet holding a service-id header row is read; rows are numbered as Excel shows.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from xml.etree.ElementTree import ParseError

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from loaders.mapping import PortfolioRecord
from loaders.tabular import Resolver, read_rows
from pvkg.errors import Location, RowError, SourceSyntaxError
from pvkg.settings import Settings

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# What openpyxl raises on a damaged workbook: broken XML, a bad compressed stream, a truncated
# member, an unknown compression method, or values of the wrong shape in the sheet XML.
DAMAGED = (
    zipfile.BadZipFile,
    InvalidFileException,
    ParseError,
    zlib.error,
    EOFError,
    NotImplementedError,
    KeyError,
    OSError,
    TypeError,
    ValueError,
)


def _rows(sheet: object, filename: str) -> Iterator[tuple[int, list[object]]]:
    """The sheet's rows; openpyxl reads lazily, so damage shows up here, row by row."""
    rows = sheet.iter_rows(min_row=1, values_only=True)  # type: ignore[attr-defined]
    number = 0
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except DAMAGED as err:
            raise SourceSyntaxError(
                f"damaged workbook: cannot read the row after row {number} "
                f"({type(err).__name__}: {err})",
                location=Location(file=filename, sheet=sheet.title, row=number + 1),  # type: ignore[attr-defined]
            ) from None
        number += 1
        yield number, list(values)


def read_xlsx(
    data: bytes,
    filename: str,
    *,
    settings: Settings,
    resolve_institution: Resolver | None = None,
) -> PortfolioRecord:
    """Read an Excel portfolio.

    Raises:
        SourceSyntaxError: not a workbook, or a password-protected (encrypted) one.
        RowError: no sheet has a service-id column, or rows without a service id.
        PayloadTooLarge: too many rows or too long cells.
    """
    if data.startswith(OLE_MAGIC):
        raise SourceSyntaxError(
            "not an .xlsx workbook: an encrypted (password-protected) workbook or an old .xls "
            "file; save it without a password as .xlsx",
            location=Location(file=filename),
        )
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except DAMAGED as err:
        raise SourceSyntaxError(
            f"not an .xlsx workbook ({type(err).__name__}: {err})", location=Location(file=filename)
        ) from None
    try:
        first_error: RowError | None = None
        for sheet in book.worksheets:
            sheet.reset_dimensions()
            try:
                return read_rows(
                    _rows(sheet, filename),
                    filename,
                    settings,
                    resolve_institution,
                    sheet=sheet.title,
                )
            except RowError as err:
                if not any("no service-id column" in p.message for p in err.problems):
                    raise
                first_error = first_error or err
        if first_error is not None:
            raise first_error
        raise SourceSyntaxError("the workbook has no worksheets", location=Location(file=filename))
    finally:
        book.close()

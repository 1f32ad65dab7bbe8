"""Excel (.xlsx) portfolios, read with openpyxl in read-only mode (a 1,000-service file must read
and store well under a second: bench/README.md).

The rest of the loader gets the text the sheet shows (:mod:`loaders.xlsx_cells`): zero-padded
ids keep their zeros, dates are ISO dates, TRUE/FALSE are words (a mark or none in a type column),
formula errors (``#N/A``…) are empty cells with a warning. A merged data cell's value holds for
every cell of the range. Rows are numbered as Excel shows them.

Which sheet is the portfolio: of the sheets whose header row holds a service-id column, the one
matching the most template columns (a cover sheet listing the column names is not a table);
hidden sheets only when no visible sheet has one; among equals one with two or more service rows
over one with a single row (an instructions sheet's example), then the active sheet, else the
first.
Other sheets with a table are named in a warning.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from xml.etree.ElementTree import ParseError

from openpyxl import load_workbook
from openpyxl.utils import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

from loaders.headers import TYPE_FIELDS
from loaders.mapping import PortfolioRecord
from loaders.normalise import clean
from loaders.tabular import (
    HEADER_SEARCH_ROWS,
    Resolver,
    _find_layout,
    _Layout,
    read_rows,
    service_rows_seen,
)
from loaders.xlsx_cells import BoolText, show
from pvkg.errors import Location, RowError, RowProblem, SourceSyntaxError, column_letter
from pvkg.settings import Settings

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# What openpyxl raises on a damaged workbook: broken XML, a bad compressed stream, a truncated
# member, an unknown compression method, values of the wrong shape in the sheet XML, or a cell
# naming a style the workbook does not have.
DAMAGED = (
    zipfile.BadZipFile,
    InvalidFileException,
    ParseError,
    zlib.error,
    EOFError,
    NotImplementedError,
    KeyError,
    IndexError,
    OSError,
    TypeError,
    ValueError,
)
# Rows read from each sheet before choosing one: the header search and two sub-header rows.
HEAD_ROWS = HEADER_SEARCH_ROWS + 2
# A header row matching fewer template columns is a list of names (a cover sheet), not a table
# worth a warning when another sheet is read.
TABLE_COLUMNS = 2
_MERGE_CELL = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?\bref\s*=\s*[\"']([A-Za-z0-9$:]+)[\"']")
_SCAN_CHUNK = 1 << 20

RawRow = tuple[int, list[object]]  # (row number as Excel shows it, the cells as shown)
Range = tuple[int, int, int, int]  # min_col, min_row, max_col, max_row (1-based, inclusive)


@dataclass
class _Sheet:
    """One worksheet: its first rows (enough to find the table) and the rest, still unread."""

    book_sheet: object
    title: str
    hidden: bool
    head: list[RawRow]
    rest: Iterator[RawRow]
    errors: list[tuple[int, int, str]]  # (row, column index, value) of formula-error cells
    layout: _Layout | None = None
    last_header_row: int = 0
    problem: RowError | None = None
    warnings: list[str] = field(default_factory=list)
    # services seen under the header in the first rows read (a few at most): an example table
    # on an instructions sheet has one, a portfolio more
    ids_seen: int = 0

    @property
    def score(self) -> int:
        """How many template columns the header row names."""
        return len(self.layout.fields) if self.layout else 0


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
    sheets: list[_Sheet] = []
    try:
        for book_sheet in book.worksheets:
            sheets.append(_open_sheet(book_sheet, filename))
        chosen = _choose(sheets, getattr(book.active, "title", None), filename)
        return _read_sheet(chosen, filename, settings, resolve_institution)
    finally:
        for sheet in sheets:
            sheet.rest.close()  # type: ignore[attr-defined]
        book.close()


def _open_sheet(book_sheet: object, filename: str) -> _Sheet:
    """Read a sheet's first rows and look for a portfolio table in them."""
    book_sheet.reset_dimensions()  # type: ignore[attr-defined]
    title: str = book_sheet.title  # type: ignore[attr-defined]
    errors: list[tuple[int, int, str]] = []
    rest = _shown_rows(book_sheet, title, filename, errors)
    head: list[RawRow] = []
    cleaned: list[tuple[int, list[str]]] = []
    for number, values in rest:
        head.append((number, values))
        cells = [clean(value) for value in values]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            cleaned.append((number, cells))
            if len(cleaned) >= HEAD_ROWS:
                break
    hidden = getattr(book_sheet, "sheet_state", "visible") != "visible"
    sheet = _Sheet(book_sheet, title, hidden, head, rest, errors)
    try:
        sheet.layout, data_start = _find_layout(cleaned, filename, title)
    except RowError as err:
        sheet.problem = err
    else:
        sheet.last_header_row = above = cleaned[data_start - 1][0]
        sheet.ids_seen = service_rows_seen(cleaned[data_start:], sheet.layout, above)
    return sheet


def _shown_rows(
    book_sheet: object, title: str, filename: str, errors: list[tuple[int, int, str]]
) -> Iterator[RawRow]:
    """The sheet's rows as shown; a formula error becomes an empty cell noted in ``errors``.
    openpyxl reads lazily, so damage shows up here, row by row."""
    rows = book_sheet.iter_rows(min_row=1)  # type: ignore[attr-defined]
    number = 0
    try:
        while True:
            try:
                cells = next(rows)
                values = [_shown(cell, number + 1, i, errors) for i, cell in enumerate(cells)]
            except StopIteration:
                return
            except DAMAGED as err:
                raise SourceSyntaxError(
                    f"damaged workbook: cannot read the row after row {number} "
                    f"({type(err).__name__}: {err})",
                    location=Location(file=filename, sheet=title, row=number + 1),
                ) from None
            number += 1
            yield number, values
    finally:
        rows.close()


def _shown(cell: object, row: int, index: int, errors: list[tuple[int, int, str]]) -> object:
    """One cell as the sheet shows it (text passes straight through: most cells are text)."""
    value = cell.value  # type: ignore[attr-defined]
    kind = cell.data_type  # type: ignore[attr-defined]
    if kind == "e":  # a formula error value; typed text such as '#N/A' is kind 's'
        errors.append((row, index, str(value)))
        return None
    if value is None or type(value) is str:
        return value
    number_format = cell.number_format if isinstance(value, int | float) else None  # type: ignore[attr-defined]
    return show(value, number_format)


def _choose(sheets: list[_Sheet], active: str | None, filename: str) -> _Sheet:
    """The sheet holding the portfolio; warnings for the other tables go on that sheet."""
    tables = [s for s in sheets if s.layout is not None]
    if not tables:
        problem = next((s.problem for s in sheets if s.problem is not None), None)
        if problem is not None:
            raise problem
        raise SourceSyntaxError("the workbook has no worksheets", location=Location(file=filename))
    pool = [s for s in tables if not s.hidden] or tables
    best = max(s.score for s in pool)
    top = [s for s in pool if s.score == best]
    if any(s.ids_seen >= 2 for s in top):  # an example of one row is not the portfolio
        top = [s for s in top if s.ids_seen >= 2]
    chosen = next((s for s in top if s.title == active), top[0])
    others = [s for s in tables if s is not chosen and s.score >= TABLE_COLUMNS]
    if others:
        names = ", ".join(f"{s.title!r} ({_why_not(s, chosen, active)})" for s in others)
        chosen.warnings.append(
            f"sheet {chosen.title!r} is read; other sheets with a portfolio table are not: "
            f"{names}; one file is one institution's portfolio"
        )
    if chosen.hidden:
        chosen.warnings.append(
            f"sheet {chosen.title!r} is hidden; read because no visible sheet has a portfolio table"
        )
    return chosen


def _why_not(other: _Sheet, chosen: _Sheet, active: str | None) -> str:
    """Why a sheet with a table was not the one read (the order of the rules in _choose)."""
    if other.hidden and not chosen.hidden:
        return "hidden"
    if other.score < chosen.score:
        return "its header row names fewer template columns"
    if other.ids_seen < 2 <= chosen.ids_seen:
        return "one service row: an example"
    return "not the active sheet" if chosen.title == active else "an earlier sheet is read"


def _read_sheet(
    sheet: _Sheet, filename: str, settings: Settings, resolve_institution: Resolver | None
) -> PortfolioRecord:
    """Read the chosen sheet's table, merged data cells and boolean marks as the sheet shows
    them; formula-error cells are warned about (or named in the RowError they cause)."""
    assert sheet.layout is not None
    id_index = sheet.layout.fields["inst_service_id"]
    ranges = [
        r
        for r in _merged_ranges(sheet, filename)
        if r[1] > sheet.last_header_row and not _is_banner(r, id_index)
    ]
    rows: Iterable[RawRow] = chain(sheet.head, sheet.rest)
    if ranges:
        rows = _fill_merges(rows, ranges)
    rows = _read_marks(rows, _type_columns(sheet.layout), sheet.last_header_row)
    try:
        record = read_rows(rows, filename, settings, resolve_institution, sheet=sheet.title)
    except RowError as err:
        raise _name_error_cells(err, sheet.errors) from None
    record.warnings = [*sheet.warnings, *_error_warnings(sheet), *record.warnings]
    return record


def _merged_ranges(sheet: _Sheet, filename: str) -> list[Range]:
    """The sheet's merged ranges, from the ``<mergeCells>`` of its XML. Read-only mode does not
    read them, and a full load costs several times as much, so the XML is scanned as bytes (the
    element comes after the rows; one more inflate of the member, no XML parse)."""
    ranges: list[Range] = []
    try:
        # openpyxl has no public way to the sheet's XML member; this is how it opens it itself.
        with sheet.book_sheet._get_source() as source:  # type: ignore[attr-defined]
            refs = _scan(source)
    except DAMAGED as err:
        raise SourceSyntaxError(
            f"damaged workbook: cannot read the merged cells ({type(err).__name__}: {err})",
            location=Location(file=filename, sheet=sheet.title),
        ) from None
    for ref in refs:
        try:
            bounds = range_boundaries(ref)
        except (ValueError, TypeError):
            continue
        if None not in bounds:
            ranges.append(bounds)  # type: ignore[arg-type]
    return ranges


def _scan(source: io.BufferedIOBase) -> list[str]:
    """Every ``<mergeCell ref="…">`` in a stream of XML bytes, read a chunk at a time."""
    refs: list[str] = []
    tail = b""
    while chunk := source.read(_SCAN_CHUNK):
        text = tail + chunk
        end = 0
        if b"mergeCell" in text:
            for match in _MERGE_CELL.finditer(text):
                refs.append(match.group(1).decode("ascii"))
                end = match.end()
        tail = text[max(end, len(text) - 512) :]  # a tag cut by the chunk's end is read next time
    return refs


def _is_banner(bounds: Range, id_index: int) -> bool:
    """A range across the service-id column and others (a section title, a note, a total): no
    service shares its id cell with its other fields, so it stays one cell, as read before."""
    min_col, _, max_col, _ = bounds
    return max_col > min_col and min_col <= id_index + 1 <= max_col


def _fill_merges(rows: Iterable[RawRow], ranges: list[Range]) -> Iterator[RawRow]:
    """Every cell of a merged range shows the range's value: one manager merged over three
    services manages each of them."""
    starts: dict[int, list[Range]] = {}
    for bounds in ranges:
        starts.setdefault(bounds[1], []).append(bounds)
    active: list[tuple[Range, object]] = []
    for number, values in rows:
        for bounds in starts.pop(number, ()):
            value = values[bounds[0] - 1] if bounds[0] <= len(values) else None
            if value is not None:
                active.append((bounds, value))
        if active:
            active = [(bounds, value) for bounds, value in active if bounds[3] >= number]
            for (min_col, _, max_col, _), value in active:
                values.extend([None] * (max_col - len(values)))
                values[min_col - 1 : max_col] = [value] * (max_col - min_col + 1)
        yield number, values


def _type_columns(layout: _Layout) -> frozenset[int]:
    indices = [layout.fields[f] for f in TYPE_FIELDS if f in layout.fields]
    indices += [i for f in TYPE_FIELDS for i in layout.repeats.get(f, ())]
    return frozenset(indices)


def _read_marks(rows: Iterable[RawRow], columns: frozenset[int], after: int) -> Iterator[RawRow]:
    """Boolean cells in the type columns under the header: TRUE is a mark (as ``1`` is), FALSE
    none. Elsewhere they stay the words the sheet shows."""
    for number, values in rows:
        if number > after:
            for index in columns:
                if index < len(values) and isinstance(values[index], BoolText):
                    values[index] = "1" if values[index].truth else ""  # type: ignore[union-attr]
        yield number, values


def _error_warnings(sheet: _Sheet) -> list[str]:
    return [
        f"sheet {sheet.title!r}, row {row}, column {column_letter(index)}: the formula error "
        f"{value} is not a value; read as an empty cell"
        for row, index, value in sheet.errors
    ]


def _name_error_cells(err: RowError, errors: list[tuple[int, int, str]]) -> RowError:
    """The RowError, with each problem at a formula-error cell saying what the cell shows (an
    "empty" id cell that shows ``#N/A`` would puzzle the user)."""
    shown = {(row, column_letter(index)): value for row, index, value in errors}
    if not shown:
        return err
    problems = []
    for problem in err.problems:
        value = shown.get((problem.location.row, problem.location.column))
        if value is not None:
            why = f"(it shows the formula error {value}, which is not a value)"
            problem = RowProblem(problem.location, f"{problem.message} {why}")
        problems.append(problem)
    return RowError(problems)

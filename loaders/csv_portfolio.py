"""CSV portfolios: ``,`` or ``;`` separated, UTF-8 (BOM or not), UTF-16 with BOM, Windows-1257.

Rows are numbered by the line where each record starts, as a text editor shows it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

from loaders.encoding import decode_text
from loaders.mapping import PortfolioRecord
from loaders.tabular import Resolver, read_rows
from pvkg.errors import Location, RowError, RowProblem, SourceSyntaxError
from pvkg.settings import Settings

SEP_LINE = re.compile(r"^\s*sep=[,;\t]\s*$")


def sniff_delimiter(text: str) -> str:
    """The separator: Excel's ``sep=`` line, else the most frequent of ``,`` ``;`` tab on the
    first non-empty line (commas win ties).

    >>> sniff_delimiter("a;b;c\\n1,5;2;3"), sniff_delimiter("a,b;c,d"), sniff_delimiter("sep=;")
    (';', ',', ';')
    """
    for line in text.splitlines()[:20]:
        if not line.strip():
            continue
        if SEP_LINE.match(line):
            return line.strip()[4]
        head = _outside_quotes(line)
        counts = {d: head.count(d) for d in (",", ";", "\t")}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] > counts[","] else ","
    return ","


def _outside_quotes(line: str) -> str:
    return "".join(part for index, part in enumerate(line.split('"')) if index % 2 == 0)


def _records(text: str, filename: str, delimiter: str) -> Iterator[tuple[int, list[object]]]:
    """Each record with its row number as a spreadsheet shows the file: a cell with a line
    break in it is still one row, and Excel's ``sep=`` hint line is not a row."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    first = text.split("\n", 1)[0]
    if SEP_LINE.match(first):  # Excel's "sep=;" hint line is not data
        next(reader, None)
    try:
        for row, record in enumerate(reader, start=1):
            yield row, list(record)
    except csv.Error as err:
        raise SourceSyntaxError(
            f"not readable as CSV: {err}", location=Location(file=filename, line=reader.line_num)
        ) from None


def read_csv(
    data: bytes,
    filename: str,
    *,
    settings: Settings,
    encoding: str | None = None,
    resolve_institution: Resolver | None = None,
) -> PortfolioRecord:
    """Read a CSV portfolio.

    Raises:
        SourceSyntaxError: broken encoding or CSV quoting (file and line).
        RowError: no service-id column, or rows without a service id (file, row, column).
        PayloadTooLarge: too many rows or too long cells.
    """
    text = decode_text(data, filename, encoding)
    if not text.strip():
        raise RowError([RowProblem(Location(file=filename, row=1), "the file is empty")])
    delimiter = sniff_delimiter(text)
    return read_rows(_records(text, filename, delimiter), filename, settings, resolve_institution)

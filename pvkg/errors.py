"""The pvkg exception hierarchy; the CLI maps it to exit codes and the API to HTTP statuses.

::

    PvkgError
    ├── InputError                 caller's fault: exit 2 / HTTP 4xx
    │   ├── SourceSyntaxError      a file that cannot be parsed (RDF syntax, broken encoding)
    │   ├── RowError               readable file, but rows or columns make no sense (collects many)
    │   ├── UnsupportedFormat      unknown file type or media type (HTTP 415)
    │   ├── QuerySyntaxError       SPARQL that does not parse
    │   ├── UpdateFailed           SPARQL Update that must fail: a graph exists or is missing
    │   ├── TooDeeplyNested        text nested deeper than a parser can take (pvkg/nesting.py)
    │   ├── UnknownQuery           a curated query name that does not exist (HTTP 404)
    │   ├── ParameterError         a curated-query parameter that is missing or of the wrong type
    │   └── PayloadTooLarge        a body, file, row count or cell over a limit (HTTP 413)
    ├── Forbidden                  writes without the right token, or disabled (HTTP 401/403)
    ├── QueryTimeout               a query that ran out of time (HTTP 503)
    ├── OntologyError              `pvkg check`: inconsistent ontology or undeclared terms
    └── StoreError                 our fault or the store's (HTTP 500 / 502 for a remote store)
        ├── StoreLocked            another process holds the on-disk store
        ├── StoreUnavailable       a remote store that is down or too slow (HTTP 503/504)
        └── StoreBadAnswer         a remote "store" whose answer is not SPARQL (HTTP 502)

Messages read like compiler output: ``file:row: column "status": …; expected …``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where in a submitted file a problem is: file plus sheet/row/column, or line."""

    file: str | None = None
    row: int | None = None
    column: str | None = None
    line: int | None = None
    sheet: str | None = None

    def __str__(self) -> str:
        parts = [self.file or "<input>"]
        if self.sheet:
            parts.append(self.sheet)
        if self.row is not None:
            parts.append(str(self.row))
        elif self.line is not None:
            parts.append(str(self.line))
        text = ":".join(parts)
        if self.column:
            text += f": column {self.column}"
        return text

    def as_dict(self) -> dict[str, str | int | None]:
        """The ``location`` object of the JSON error body (INTERFACES.md §6)."""
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row if self.row is not None else self.line,
            "column": self.column,
        }


def column_letter(index: int) -> str:
    """Spreadsheet column letters for a 0-based index (the ``column`` of a :class:`Location`).

    >>> column_letter(0), column_letter(12), column_letter(26)
    ('A', 'M', 'AA')
    """
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class PvkgError(Exception):
    """Base of every error pvkg raises on purpose."""

    code = "PVKG_ERROR"

    def __init__(self, message: str, *, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class InputError(PvkgError):
    """The input (a file, a request, a query) is the caller's to fix."""

    code = "BAD_INPUT"


class SourceSyntaxError(InputError):
    """A file that cannot be read at all: RDF syntax error, broken encoding, not a workbook."""

    code = "SOURCE_SYNTAX"


@dataclass
class RowProblem:
    """One problem in one row (or cell) of a tabular file."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class RowError(InputError):
    """A tabular file whose structure is unusable; lists every problem found (capped)."""

    code = "BAD_ROWS"
    max_listed = 20

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[: self.max_listed])
        more = len(problems) - self.max_listed
        suffix = f"\n  … and {more} more" if more > 0 else ""
        first = problems[0].location if problems else None
        super().__init__(f"{len(problems)} problem(s):\n{shown}{suffix}", location=first)

    def __str__(self) -> str:
        return self.message


class UnsupportedFormat(InputError):
    """A file or media type pvkg does not read or write."""

    code = "UNSUPPORTED_FORMAT"


class QuerySyntaxError(InputError):
    """A SPARQL query or update that does not parse."""

    code = "QUERY_SYNTAX"

    @property
    def position(self) -> tuple[int, int] | None:
        """(line, column) of the parser's position, when the message gives one.

        >>> QuerySyntaxError("SPARQL syntax error: error at 2:15: expected ...").position
        (2, 15)
        """
        found = SYNTAX_POSITION.search(self.message)
        return None if found is None else (int(found.group(1)), int(found.group(2)))


# The parser's position in a SPARQL syntax error, as pyoxigraph and Oxigraph server write it:
# "error at 2:15: expected ..." (line and column, 1-based).
SYNTAX_POSITION = re.compile(r"\berror at (\d+):(\d+)")


class UpdateFailed(InputError):
    """A SPARQL Update that parses but that SPARQL 1.1 Update says must fail: ``CREATE GRAPH``
    of a graph that exists, ``DROP``/``CLEAR``/``MOVE`` of one that does not (without
    ``SILENT``). The request changed nothing.

    Why its own class: the embedded store and a remote server report these differently (a
    RuntimeError, an HTTP 500); both must reach the client as the same 4xx.
    """

    code = "UPDATE_FAILED"


class TooDeeplyNested(InputError):
    """SPARQL or RDF text nested deeper than pvkg lets a parser see (``pvkg/nesting.py``).

    Why: pyoxigraph's parsers recurse once per level on the native stack; a few thousand
    levels would kill the whole process instead of raising an error.
    """

    code = "TOO_DEEP"


class UnknownQuery(InputError):
    """A curated query name that is not in ``queries/``."""

    code = "UNKNOWN_QUERY"


class ParameterError(InputError):
    """A curated-query parameter that is missing, unknown or of the wrong type."""

    code = "BAD_PARAMETER"


class OutputError(InputError):
    """The output file named on the command line (``-o``) cannot be written."""

    code = "BAD_OUTPUT"


class PayloadTooLarge(InputError):
    """A body, file, row count, cell or query over a configured limit."""

    code = "TOO_LARGE"


class Forbidden(PvkgError):
    """A write without the right bearer token, or writes disabled."""

    code = "FORBIDDEN"


class QueryTimeout(PvkgError):
    """A query that did not finish within the configured time."""

    code = "QUERY_TIMEOUT"


class OntologyError(PvkgError):
    """The ontology is inconsistent, a class is unsatisfiable, or a term is undeclared."""

    code = "ONTOLOGY"


class StoreError(PvkgError):
    """The store failed; not the caller's fault."""

    code = "STORE_ERROR"


class StoreLocked(StoreError):
    """Another process has the on-disk store open for writing."""

    code = "STORE_LOCKED"


class StoreUnavailable(StoreError):
    """A remote store is down or did not answer in time."""

    code = "STORE_UNAVAILABLE"


class StoreBadAnswer(StoreError):
    """A remote store URL whose server answered, but not with SPARQL (a web page, a login page).

    Why not an input error: the configured store is wrong, not the caller's query or file.
    """

    code = "STORE_BAD_ANSWER"

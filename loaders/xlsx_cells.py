"""What an Excel cell shows, as text: the value the rest of the loader reads.

openpyxl hands over the stored value (``101``, ``True``, ``datetime(2025, 1, 15)``). A user reads
what the sheet displays (``00101``, ``TRUE``, ``15.01.2025``), and the CSV export of the same sheet
holds that text, so the two must give the same facts (INTERFACES.md §2: CSV and Excel carry "the
same columns"). Dates are written as ISO 8601 rather than in the sheet's locale pattern, so they
read the same whatever language the office software uses.

>>> show(101, "00000"), show(7, '"DA-"000'), show(101.0, "General"), show(True, "General")
('00101', 'DA-007', 101.0, 'TRUE')
>>> show(datetime(2025, 1, 15), "dd.mm.yyyy"), show(datetime(2025, 1, 15, 10, 30), "General")
('2025-01-15', '2025-01-15T10:30')
"""

from __future__ import annotations

import math
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

# The error values a formula can leave in a cell (openpyxl data_type 'e'); never data.
ERROR_VALUES = frozenset(
    {"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA"}
)
# Characters a number format shows as themselves without quotes (Excel's list, less "/",
# which also makes fractions), and "@", the text section's placeholder (a number never uses it).
_PLAIN_LITERALS = frozenset("$-+():!^&'~{}<>= @")
_DIGITS = frozenset("0#?")

Token = tuple[str, str]  # ("digit", "0" | "#" | "?") or ("text", literal)


class BoolText(str):
    """A boolean cell's text (``TRUE`` / ``FALSE``): a type column reads it as a mark, so it must
    stay distinguishable from someone typing the word."""

    __slots__ = ()

    @property
    def truth(self) -> bool:
        return self == "TRUE"


def show(value: object, number_format: str | None) -> object:
    """The cell as the sheet shows it: booleans and dates as text, numbers through a zero-padding
    format; other values unchanged (``normalise.clean`` makes them text)."""
    if isinstance(value, bool):
        return BoolText("TRUE" if value else "FALSE")
    if isinstance(value, int | float):
        padded = format_integer(value, number_format or "General")
        return value if padded is None else padded
    if isinstance(value, datetime):
        return _iso_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat(timespec="seconds" if value.second else "minutes")
    return value


def _iso_datetime(value: datetime) -> str:
    """``2025-01-15`` for a date without a time of day, else ``2025-01-15T10:30`` (seconds when
    the cell has them); never Python's ``2025-01-15 00:00:00``."""
    if value.time() == time():
        return value.date().isoformat()
    return value.replace(microsecond=0).isoformat(timespec="seconds" if value.second else "minutes")


def format_integer(value: float, number_format: str) -> str | None:
    """``value`` through a number format that pads whole numbers with zeros (``00000``, ``000``,
    ``"DA-"000``, ``000;-000``), as the sheet shows it; None for any other format (General,
    decimals, thousands, percent, dates, conditions), which pvkg reads as the plain number.

    >>> format_integer(101, "00000"), format_integer(1, "000"), format_integer(101, "0.00")
    ('00101', '001', None)
    """
    sections = _sections(number_format)
    if sections is None or not math.isfinite(value):
        return None
    rounded = int(Decimal(abs(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    sign = ""
    if value < 0 and len(sections) > 1:
        tokens = sections[1]
    elif rounded == 0 and len(sections) > 2:
        tokens = sections[2]
    else:
        tokens = sections[0]
        sign = "-" if value < 0 and rounded else ""
    if ("digit", "0") not in tokens:
        return None
    return sign + _fill(tokens, str(rounded))


def _fill(tokens: tuple[Token, ...], digits: str) -> str:
    """Digits into the placeholders right to left, as Excel does: ``0`` shows a zero where no
    digit is left, ``?`` a space, ``#`` nothing; digits beyond the placeholders go in front."""
    out: list[str] = []
    remaining = digits
    placeholders = [i for i, (kind, _) in enumerate(tokens) if kind == "digit"]
    for position in range(len(tokens) - 1, -1, -1):
        kind, text = tokens[position]
        if kind == "text":
            out.append(text)
            continue
        if remaining:
            piece = remaining[-1] if position != placeholders[0] else remaining
            remaining = remaining[: -len(piece)]
            out.append(piece)
        else:
            out.append({"0": "0", "?": " ", "#": ""}[text])
    return "".join(reversed(out))


@lru_cache(maxsize=256)
def _sections(number_format: str) -> tuple[tuple[Token, ...], ...] | None:
    """The ``;``-separated sections of an integer-only format as tokens; None when any section
    holds something else (decimal point, thousands, percent, date letters, ``@``, conditions)."""
    sections: list[tuple[Token, ...]] = []
    tokens: list[Token] = []
    chars = iter(number_format)
    for char in chars:
        if char == ";":
            sections.append(tuple(tokens))
            tokens = []
        elif char in _DIGITS:
            tokens.append(("digit", char))
        elif char == '"':
            tokens.append(("text", _until(chars, '"')))
        elif char == "\\":
            tokens.append(("text", next(chars, "")))
        elif char == "_":  # the width of the next character: a space
            next(chars, "")
            tokens.append(("text", " "))
        elif char == "*":  # repeat the next character to fill the cell: nothing in text
            next(chars, "")
        elif char == "[":
            bracket = _until(chars, "]")
            if bracket[:1] in ("<", ">", "="):
                return None  # a condition picks the section by value: not worth guessing
            if bracket.startswith("$"):
                tokens.append(("text", bracket[1:].split("-", 1)[0]))
        elif char in _PLAIN_LITERALS:
            tokens.append(("text", char))
        else:
            return None
    sections.append(tuple(tokens))
    return tuple(sections) if len(sections) <= 4 else None


def _until(chars: object, end: str) -> str:
    """The characters up to (not including) ``end``, consumed from the iterator."""
    taken = []
    for char in chars:  # type: ignore[attr-defined]
        if char == end:
            break
        taken.append(char)
    return "".join(taken)

"""Cell values to concepts: type marks, status and priority with Latvian inflections.

Values that do not normalise are kept verbatim as literals (docs/MODEL.md §4), so the
shapes can report them with the value the institution wrote.

>>> normalise_status("Izstrādē")
rdflib.term.URIRef('https://pvkg.lv/id/status/STATUS-DEVELOPMENT')
>>> normalise_status("sniegsana")
rdflib.term.Literal('sniegsana')
>>> is_type_mark(" jā ")
True
>>> is_blank(" – ")
True
"""

from __future__ import annotations

import functools
import re
import unicodedata

from rdflib import Literal, URIRef

from pvkg.namespaces import PRIORITY, STATUS, concept

# Every accepted form (lower case, NFC) of each value: nominative, locative, genitive, accusative.
STATUS_FORMS: dict[str, tuple[str, ...]] = {
    "STATUS-PLANNING": ("plānošana", "plānošanā", "plānošanas", "plānošanu"),
    "STATUS-DEVELOPMENT": ("izstrāde", "izstrādē", "izstrādes", "izstrādi"),
    "STATUS-IMPLEMENTATION": ("ieviešana", "ieviešanā", "ieviešanas", "ieviešanu"),
    "STATUS-PROVISION": ("sniegšana", "sniegšanā", "sniegšanas", "sniegšanu"),
    "STATUS-RETIRING": ("likvidēšana", "likvidēšanā", "likvidēšanas", "likvidēšanu"),
    "STATUS-RETIRED": ("likvidēts", "likvidēta", "likvidēti", "likvidētas"),
}
PRIORITY_FORMS: dict[str, tuple[str, ...]] = {
    "PRIO-HIGH": ("augsta", "augstā", "augstas", "augsts", "augstu"),
    "PRIO-MEDIUM": ("vidēja", "vidējā", "vidējas", "vidējs", "vidēju"),
    "PRIO-LOW": ("zema", "zemā", "zemas", "zems", "zemu"),
}
STATUS_LABELS = {code: forms[0] for code, forms in STATUS_FORMS.items()}
PRIORITY_LABELS = {code: forms[0] for code, forms in PRIORITY_FORMS.items()}

# Dash characters a sheet uses for "nothing here" (the template writes a blank cell as "–"):
# hyphen-minus, hyphen, non-breaking hyphen, figure dash, en dash, em dash, horizontal bar, minus.
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_BLANK = re.compile(rf"[\s{re.escape(DASHES)}]*")
# TRUE / FALSE (PATIESS / APLAMS in Latvian Excel): a boolean cell as a CSV export writes it
# (and the Cyrillic х, the same key on a Latvian-Russian keyboard)
TYPE_MARKS = frozenset({"x", "\u0445", "✓", "✔", "1", "jā", "ja", "true", "patiess"})
NO_MARKS = frozenset({"0", "nē", "ne", "false", "aplams"})  # a blank cell is no mark too
_SPLIT = re.compile(r"\s*(?:;|\r\n|\r|\n)\s*")


def is_blank(value: str) -> bool:
    """True for a cell (or one part of a multi-valued cell) that says nothing: empty, spaces or
    only dashes. The one notion of an empty cell, so a placeholder "–" is never a value (a
    person, a register id, a priority…).

    >>> [is_blank(v) for v in ["", " - ", "—", "‑‑", "A-1", "0"]]
    [True, True, True, True, False, False]
    """
    return _BLANK.fullmatch(value) is not None


def _key(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip().lower()


def fold_diacritics(text: str) -> str:
    """The text without diacritics ("sniegsana" for "sniegšana"): what a keyboard without the
    Latvian layout types.

    >>> fold_diacritics("Ieviešana, Vidējā")
    'Ieviesana, Videja'
    """
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _table(forms: dict[str, tuple[str, ...]]) -> dict[str, str]:
    # (a value typed without diacritics, "sniegsana", is kept as given: C07/C08 report it)
    table = {code.lower(): code for code in forms}
    for code, words in forms.items():
        table.update({word: code for word in words})
    return table


_STATUS = _table(STATUS_FORMS)
_PRIORITY = _table(PRIORITY_FORMS)


@functools.cache
def _concept(scheme: str, code: str) -> URIRef:
    return concept(scheme, code)


def normalise_status(value: str) -> URIRef | Literal:
    """The status concept for a Latvian value (any case/inflection) or code; else the literal."""
    code = _STATUS.get(_key(value))
    return _concept(STATUS, code) if code else Literal(value.strip())


def normalise_priority(value: str) -> URIRef | Literal:
    """The priority concept for a Latvian value (any case/inflection) or code; else the literal."""
    code = _PRIORITY.get(_key(value))
    return _concept(PRIORITY, code) if code else Literal(value.strip())


def is_type_mark(value: str) -> bool | None:
    """True for a mark (X, x, ✓, 1, jā), False for empty / no mark, None when unrecognised."""
    key = _key(value)
    if key.isdigit():  # a zero-padded number format shows 1 / 0 as 001 / 000
        key = key.lstrip("0") or "0"
    if key in TYPE_MARKS:
        return True
    if is_blank(key) or key in NO_MARKS:
        return False
    return None


def split_multi(value: str) -> list[str]:
    """Split a multi-valued cell on ``;`` or line breaks; drop blank parts, keep order, dedupe.

    >>> split_multi("Ilze Kalniņa; Jānis Ozols\\nIlze Kalniņa; –")
    ['Ilze Kalniņa', 'Jānis Ozols']
    """
    parts = [p.strip() for p in _SPLIT.split(value)]
    return list(dict.fromkeys(p for p in parts if not is_blank(p)))


def clean(value: object) -> str:
    """A cell as trimmed NFC text ('' for empty or a dash placeholder); whole floats lose their
    ``.0``.

    >>> clean(" – "), clean(12.0), clean(None)
    ('', '12', '')
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFC", str(value)).strip()
    return "" if is_blank(text) else text

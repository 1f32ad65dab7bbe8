"""Cell values to concepts: type marks, status and priority with Latvian inflections.

Values that do not normalise are kept verbatim as literals (docs/MODEL.md §4), so the
shapes can report them with the value the institution wrote.

>>> normalise_status("Izstrādē")
rdflib.term.URIRef('https://pvkg.lv/id/status/STATUS-DEVELOPMENT')
>>> normalise_status("sniegsana")
rdflib.term.Literal('sniegsana')
>>> is_type_mark(" jā ")
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

TYPE_MARKS = frozenset({"x", "✓", "✔", "1", "jā", "ja"})
NO_MARKS = frozenset({"", "-", "–", "—", "0", "nē", "ne"})
_SPLIT = re.compile(r"\s*(?:;|\r\n|\r|\n)\s*")


def _key(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip().lower()


def _table(forms: dict[str, tuple[str, ...]]) -> dict[str, str]:
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
    if key in TYPE_MARKS:
        return True
    if key in NO_MARKS:
        return False
    return None


def split_multi(value: str) -> list[str]:
    """Split a multi-valued cell on ``;`` or line breaks; drop empty parts, keep order, dedupe.

    >>> split_multi("Ilze Kalniņa; Jānis Ozols\\nIlze Kalniņa")
    ['Ilze Kalniņa', 'Jānis Ozols']
    """
    parts = [p.strip() for p in _SPLIT.split(value)]
    return list(dict.fromkeys(p for p in parts if p))


def clean(value: object) -> str:
    """A cell as trimmed NFC text ('' for empty); whole floats lose their ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()

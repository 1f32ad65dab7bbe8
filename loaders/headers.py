"""Column headers: the English names of ``portfolio_example.csv`` and the Latvian template texts.

Matching is case-insensitive and tolerant of dash and space variants (``–``, ``-``, ``—``,
spaces around them), a trailing colon, and of the template's two-level group header (a type
column may be headed just "Individuāla labuma pakalpojums" under "Publiskais pakalpojums");
loosely, also of a hint after the text (``Statuss*``, ``Prioritāte (augsta/vidēja/zema)``) and
of missing diacritics (``Iestades``).

>>> match_header("Publiskais pakalpojums - individuāla labuma pakalpojums")
'type_public_individual_benefit'
>>> match_header("INST_SERVICE_ID")
'inst_service_id'
>>> match_header("Piezīmes") is None
True
"""

from __future__ import annotations

import re
import unicodedata

from loaders.normalise import DASHES, fold_diacritics

# field -> accepted header texts (the first Latvian text is the template's).
FIELDS: dict[str, tuple[str, ...]] = {
    "institution": ("institution", "Iestāde", "Iestādes nosaukums"),
    "portfolio_manager": (
        "portfolio_manager",
        "Pakalpojumu kopuma vadītājs",
        "Pakalpojumu portfeļa vadītājs",
    ),
    "inst_service_id": (
        "inst_service_id",
        "Iestādes pakalpojuma identifikators",
        "Iestādes pakalpojuma ID",
    ),
    "register_service_id": (
        "register_service_id",
        "Vienotā reģistra pakalpojuma identifikators",
        "Vienotā reģistra pakalpojuma ID",
    ),
    "service_name_lv": ("service_name_lv", "Pakalpojuma nosaukums"),
    "need_lv": (
        "need_lv",
        "Vajadzība, ko pakalpojums apmierina",
        "Vajadzība ko pakalpojums apmierina",
        "Vajadzība",
    ),
    "type_public_individual_benefit": (
        "type_public_individual_benefit",
        "Publiskais pakalpojums – Individuāla labuma pakalpojums",
        "Individuāla labuma pakalpojums",
    ),
    "type_public_general_benefit": (
        "type_public_general_benefit",
        "Publiskais pakalpojums – Vispārēja labuma pakalpojums",
        "Vispārēja labuma pakalpojums",
    ),
    "type_interagency_individual_use": (
        "type_interagency_individual_use",
        "Starpiestāžu pakalpojums – Individuālas lietošanas pakalpojums",
        "Individuālas lietošanas pakalpojums",
    ),
    "type_interagency_shared_use": (
        "type_interagency_shared_use",
        "Starpiestāžu pakalpojums – Koplietošanas pakalpojums",
        "Koplietošanas pakalpojums",
    ),
    "priority": ("priority", "Prioritāte"),
    "status": ("status", "Statuss"),
    "service_manager": ("service_manager", "Pakalpojuma vadītājs"),
}

# Service-type columns -> concept codes (DOMAIN.md §3).
TYPE_FIELDS: dict[str, str] = {
    "type_public_individual_benefit": "ST-PUB-IND",
    "type_public_general_benefit": "ST-PUB-GEN",
    "type_interagency_individual_use": "ST-IA-IND",
    "type_interagency_shared_use": "ST-IA-SHR",
}

# Group headers of the template's two-level header; rows made only of these are skipped.
GROUP_HEADERS = frozenset(
    {
        "pakalpojuma apraksts",
        "pakalpojuma veids",
        "publiskais pakalpojums",
        "starpiestāžu pakalpojums",
    }
)

HEADER_BLOCK_FIELDS = ("institution", "portfolio_manager")

_DASHES = re.compile(rf"\s*[{re.escape(DASHES)}]\s*")  # the one set of dashes (normalise)
_SPACES = re.compile(r"\s+")


def normalise_header(text: str) -> str:
    """Lower case, NFC, one ASCII dash with single spaces, collapsed whitespace, no end colon."""
    text = unicodedata.normalize("NFC", text).strip().rstrip(":").strip().lower()
    text = _DASHES.sub(" - ", text)
    return _SPACES.sub(" ", text)


_LOOKUP: dict[str, str] = {
    normalise_header(text): field for field, texts in FIELDS.items() for text in texts
}


# A hint after a header's text: "Pakalpojuma vadītājs (vārds, uzvārds)", "Statuss*",
# "Vienotā reģistra pakalpojuma identifikators [ja ir]" (one at a time, from the end).
_HINT = re.compile(r"\s*(?:\([^()]*\)|\[[^\[\]]*\]|\*+)\s*:?\s*$")


def _without_hints(text: str) -> str:
    while True:
        shorter = _HINT.sub("", text)
        if shorter == text or not shorter:
            return text
        text = shorter


_FOLDED_LOOKUP: dict[str, str] = {fold_diacritics(key): field for key, field in _LOOKUP.items()}
assert len(_FOLDED_LOOKUP) == len(_LOOKUP), "two template headers differ only in diacritics"


def match_header(text: str, *, loose: bool = True) -> str | None:
    """The field a header text names, or None for an unknown (institution-defined) column.

    ``loose`` (the default) also accepts a template header with a hint after it or typed
    without diacritics; ``loose=False`` the template texts only (so that a column headed
    exactly beats a loosely headed one for the same field).

    >>> match_header("Pakalpojuma vadītājs (vārds, uzvārds)"), match_header("Statuss *")
    ('service_manager', 'status')
    >>> match_header("Iestades pakalpojuma identifikators"), match_header("Statuss*", loose=False)
    ('inst_service_id', None)
    """
    if not text:
        return None
    key = normalise_header(text)
    found = _LOOKUP.get(key)
    if found is not None or not loose:
        return found
    bare = normalise_header(_without_hints(key))
    return _LOOKUP.get(bare) or _FOLDED_LOOKUP.get(fold_diacritics(bare))


# Headers of a column that only numbers the rows, without spaces and dots: "Nr.p.k.",
# "Nr. p. k.", "N.p.k", "Nr.", "No.", "#", "№" ("numurs pēc kārtas", the usual Latvian one).
NUMBERING_HEADERS = frozenset({"nr", "nrpk", "npk", "#", "no", "num", "№"})
_NUMBERING_NOISE = re.compile(r"[\s.]+")


def is_numbering_header(text: str) -> bool:
    """Whether a column only numbers the rows; it is ignored (no comment, no warning). Spaces
    and dots are left out before comparing, as people write ``Nr.p.k.`` every which way.

    >>> [is_numbering_header(t) for t in ["Nr.p.k.", "Nr. p. k.", "N.p.k", "#", "Nr", "Vārds"]]
    [True, True, True, True, True, False]
    """
    return _NUMBERING_NOISE.sub("", normalise_header(text)) in NUMBERING_HEADERS


# A totals row's label, alone or before a colon and the count: "Kopā:", "Kopā: 9",
# "Kopā pakalpojumu", "Pavisam kopā", "Kopsumma", "Total". One match, no normalising: it is
# asked of nearly every row.
_TOTALS = re.compile(
    r"\s*(?:kopā(?:\s.*)?|pavisam(?:\s+kopā)?|kopsumma|totals?)\s*(?::.*)?", re.I | re.S
)


def is_totals_label(text: str) -> bool:
    """Whether a cell labels a totals row: such a row counts the services and is not one.

    >>> [is_totals_label(t) for t in ["Kopā:", "KOPĀ: 9", "Pavisam kopā", "Total", "Kopāsapulce"]]
    [True, True, True, True, False]
    """
    return _TOTALS.fullmatch(text) is not None


# A note's start: a footnote mark, a note word (``Piezīme``, ``Piezīmes``, ``Note``, ``Avots``…),
# a form's footer word (``Sagatavoja``, ``Datums``, ``Saskaņots``… written without a colon) or a
# first word that is a label (``Sagatavoja:``). An identifier starts with none of them.
_NOTE = re.compile(
    r"\s*(?:[*†‡¹²³]|(?:piezīmes?|piez\.|notes?|avots|avoti|sources?"
    r"|sagatavoja|sagatavotājs|sagatavots|datums|saskaņots|saskaņoja|apstiprināja|apstiprinu"
    r"|apstiprināts|izpildītājs|atbildīgais|tālrunis|tālr\.|e-pasts|paraksts)(?=[\s:.]|$)"
    r"|\S+:(?:\s|$))",
    re.I,
)
# A totals row's figures: a count, a sum or a share ("9", "1 234", "12,5", "100 %").
_FIGURE = re.compile(r"[+-]?\d[\d\s\u00a0.,]*%?")


def is_note_label(text: str) -> bool:
    """Whether a cell starts the way a note under the table does, not the way an identifier does.

    >>> [is_note_label(t) for t in ["* pārskatāms", "Piezīme", "Avots: VARAM", "Sagatavoja: P.",
    ...                             "Datums", "Saskaņots", "PK 12", "DA-001", "Note-1", "Datums-1"]]
    [True, True, True, True, True, True, False, False, False, False]
    """
    return _NOTE.match(text) is not None


def is_figure(text: str) -> bool:
    """Whether a cell holds only a number, as a totals row's cells do.

    >>> [is_figure(t) for t in ["9", "1 234", "12,5", "100 %", "X", "DA-1"]]
    [True, True, True, True, False, False]
    """
    return _FIGURE.fullmatch(text.strip()) is not None


def is_group_header(text: str) -> bool:
    """Whether a cell is one of the template's group headers (above the column headers)."""
    return normalise_header(text) in GROUP_HEADERS

"""Deterministic, readable IRIs for the things a portfolio describes (docs/MODEL.md §3).

>>> slugify("Digitālā aģentūra")
'digitala-agentura'
>>> str(service_iri("digitala-agentura", "DA-001"))
'https://pvkg.lv/id/institution/digitala-agentura/service/DA-001'
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

from rdflib import URIRef

from pvkg.namespaces import portfolio_iri, scoped_iri
from pvkg.namespaces import slugify as slugify  # one slug rule for every IRI

NEED_SLUG_MAX = 60


# Letters NFKD does not reduce to ASCII, spelled in Latin (Cyrillic simply, letter by letter):
# enough to keep a slug readable; uniqueness comes from the hash readable_slug adds.
_LATIN = str.maketrans(
    {
        **dict(zip("абвгдезийклмнопрстуфхцыэіґўё", "abvgdezijklmnoprstufhcyeigue", strict=True)),
        **{"ж": "zh", "ч": "ch", "ш": "sh", "щ": "shch", "ю": "ju", "я": "ja", "є": "je"},
        **{"ї": "ji", "ъ": "", "ь": "", "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l"},
        **{"đ": "d", "ð": "d", "þ": "th", "ı": "i"},
    }
)


def _unicode_key(text: str) -> str:
    """The text as slugify sees it (case, accents, spaces and punctuation ignored) but keeping
    every script's letters; text of punctuation only is its own key."""
    # casefold again after NFKD: compatibility letters (№, ™, Ⅱ) decompose to capitals
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFC", text).casefold()).casefold()
    kept = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "-", kept).strip("-") or " ".join(folded.split())


@functools.lru_cache(maxsize=65536)  # names and needs repeat on every row that mentions them
def readable_slug(text: str) -> str:
    """``slugify(text)``, unless that loses letters (Cyrillic, Greek…) or is empty: then a
    transliterated slug plus a short hash of the text, so two such names never share a slug.

    Latvian text keeps its plain slug (its letters all reduce to ASCII).

    >>> readable_slug("Pēteris Liepiņš")
    'peteris-liepins'
    >>> readable_slug("Иван Петров"), readable_slug("иван  петров")
    ('ivan-petrov-9a81cb4c', 'ivan-petrov-9a81cb4c')
    """
    slug = slugify(text)
    key = _unicode_key(text)
    if slug and slug == key:
        return slug
    latin = slugify(unicodedata.normalize("NFC", text).casefold().translate(_LATIN))
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]
    return f"{latin}-{digest}" if latin else digest


@functools.lru_cache(maxsize=65536)
def text_slug(text: str, limit: int = NEED_SLUG_MAX) -> str:
    """A slug for long text (needs): cut at ``limit`` with a short hash so it stays unique."""
    slug = readable_slug(text)
    if len(slug) <= limit:
        return slug
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    return f"{slug[:limit].rstrip('-')}-{digest}"


def institution_slug(name: str) -> str:
    """The id of an institution no reference data knows, from its name: the plain slug for a
    Latvian name (its IRI stays as it always was); for a name in another script a
    transliteration plus a hash (:func:`readable_slug`), so two such institutions never share
    one id. '' for a name with no letters or digits.

    >>> institution_slug("Digitālā aģentūra")
    'digitala-agentura'
    >>> institution_slug("Министерство финансов") != institution_slug("Министерство культуры")
    True
    """
    return readable_slug(name) if any(c.isalnum() for c in name) else ""


def person_slug(name: str) -> str:
    """The slug identifying a person within an institution (same slug = same person): names
    that differ only in case, spacing or punctuation are one person; names in other scripts
    stay apart (see :func:`readable_slug`)."""
    return readable_slug(name)


def service_iri(institution_id: str, service_id: str) -> URIRef:
    """``pvid:institution/<inst>/service/<service-id>``."""
    return scoped_iri(institution_id, "service", service_id)


def person_iri(institution_id: str, name: str) -> URIRef:
    """``pvid:institution/<inst>/person/<name-slug>``."""
    return scoped_iri(institution_id, "person", person_slug(name))


def post_iri(institution_id: str, role: str, name: str) -> URIRef:
    """``pvid:institution/<inst>/post/<ROLE>/<name-slug>``."""
    return URIRef(f"{scoped_iri(institution_id, 'post', role)}/{person_slug(name)}")


def participation_iri(service: URIRef, role: str, name: str) -> URIRef:
    """``<service>/participation/<ROLE>/<name-slug>``."""
    return URIRef(f"{service}/participation/{role}/{person_slug(name)}")


def attribution_iri(institution_id: str, role: str, name: str) -> URIRef:
    """``<portfolio>/attribution/<ROLE>/<name-slug>``."""
    return URIRef(f"{portfolio_iri(institution_id)}/attribution/{role}/{person_slug(name)}")


def need_iri(institution_id: str, text: str) -> URIRef:
    """``pvid:institution/<inst>/need/<text-slug>``."""
    return scoped_iri(institution_id, "need", text_slug(text))


def genid_iri(institution_id: str, label: str) -> URIRef:
    """A skolem IRI for a blank node of RDF input (``label``: its canonical label)."""
    short = hashlib.sha1(label.encode("utf-8")).hexdigest()[:16]
    return URIRef(f"{portfolio_iri(institution_id)}/.well-known/genid/{short}")


def unique_ids(ids: list[str]) -> list[str]:
    """Local ids for services: a repeated id gets ``<id>~2``, ``<id>~3``, …

    >>> unique_ids(["A", "B", "A", "A"])
    ['A', 'B', 'A~2', 'A~3']
    >>> unique_ids(["A~2", "A", "A"])
    ['A~2', 'A', 'A~3']
    """
    taken = set(ids)
    seen: dict[str, int] = {}
    result = []
    for value in ids:
        if value not in seen:
            seen[value] = 1
            result.append(value)
            continue
        n = seen[value] + 1
        while f"{value}~{n}" in taken:
            n += 1
        seen[value] = n
        taken.add(f"{value}~{n}")
        result.append(f"{value}~{n}")
    return result

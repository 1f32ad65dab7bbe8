"""Deterministic, readable IRIs for the things a portfolio describes (docs/MODEL.md §3).

>>> slugify("Digitālā aģentūra")
'digitala-agentura'
>>> str(service_iri("digitala-agentura", "DA-001"))
'https://pvkg.lv/id/institution/digitala-agentura/service/DA-001'
"""

from __future__ import annotations

import functools
import hashlib

from rdflib import URIRef

from pvkg.namespaces import portfolio_iri, scoped_iri
from pvkg.namespaces import slugify as slugify  # one slug rule for every IRI

NEED_SLUG_MAX = 60


@functools.lru_cache(maxsize=65536)  # names and needs repeat on every row that mentions them
def text_slug(text: str, limit: int = NEED_SLUG_MAX) -> str:
    """A slug for long text (needs): cut at ``limit`` with a short hash so it stays unique."""
    slug = slugify(text) or "x"
    if len(slug) <= limit:
        return slug
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    return f"{slug[:limit].rstrip('-')}-{digest}"


@functools.lru_cache(maxsize=65536)
def person_slug(name: str) -> str:
    """The slug identifying a person within an institution (same slug = same person)."""
    return slugify(name) or "x"


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

"""Load a registry of institutions (CSV) into its own published graph.

The shipped reference data has the 14 ministries. Users add the rest (agencies,
municipalities, …) from a CSV with the columns below; every identifier is optional and is
only stored when given and well-formed, never guessed.

========================  ========================================================
column                    meaning
========================  ========================================================
``name``                  Latvian name (required), e.g. ``Valsts ieņēmumu dienests``
``name_en``               English name (optional)
``kind``                  ``ministry`` | ``municipality`` | ``state-agency`` | ``other``
``parent``                the parent institution's name or pvkg id (optional)
``register_number``       Register of Enterprises number, 11 digits (optional)
``wikidata``              Wikidata item, ``Q…`` (optional)
``abbreviation``          official abbreviation (optional), also used to resolve names
========================  ========================================================

``parent`` is resolved like every institution name in pvkg (:mod:`pvkg.institution_names`):
the file's own names first, then the store's labels, abbreviations and ids, then the slug; a
parent found nowhere is kept as named (its slug), not refused.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, RDF, SKOS

from loaders.encoding import decode_utf8
from loaders.identity import institution_slug
from pvkg import view
from pvkg.errors import Location, RowError, RowProblem, SourceSyntaxError, column_letter
from pvkg.institution_names import InstitutionNames, institution_names
from pvkg.namespaces import (
    ADMS,
    CV,
    GRAPH,
    INSTITUTION_KIND,
    PV,
    ROV,
    concept,
    institution_iri,
)
from pvkg.store import Store, Triple

INSTITUTIONS_GRAPH = GRAPH["institutions"]
KINDS: dict[str, URIRef] = {
    "ministry": PV["Ministry"],
    "municipality": PV["Municipality"],
    "state-agency": PV["Institution"],
    "other": PV["Institution"],
}
REQUIRED = ("name", "kind")
KNOWN = (*REQUIRED, "name_en", "parent", "register_number", "wikidata", "abbreviation")
_REGISTER_NUMBER = re.compile(r"^\d{11}$")
_WIKIDATA = re.compile(r"^Q[1-9]\d*$")
ATU_LATVIA = URIRef("http://publications.europa.eu/resource/authority/atu/LVA")
UR_AGENCY = "Latvijas Republikas Uzņēmumu reģistrs"


@dataclass(frozen=True)
class RegistryRow:
    """One institution of the registry, checked."""

    row: int
    institution_id: str
    name: str
    kind: str
    name_en: str | None
    parent: str | None
    register_number: str | None
    wikidata: str | None
    abbreviation: str | None


def parse_registry(data: bytes, filename: str) -> list[RegistryRow]:
    """Read and check a registry CSV; every problem is reported at once.

    Raises:
        SourceSyntaxError: not UTF-8 text, or no header row.
        RowError: missing columns or bad values, each with row and column.
    """
    text = decode_utf8(data, filename)
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = [h.strip().lower() for h in next(reader, [])]
    if not any(header):
        raise SourceSyntaxError(
            "empty file: no header row", location=Location(file=filename, row=1)
        )
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise RowError(
            [
                RowProblem(
                    Location(file=filename, row=1),
                    f'missing column "{c}"; expected {", ".join(KNOWN)}',
                )
                for c in missing
            ]
        )
    col = {name: header.index(name) for name in KNOWN if name in header}
    rows: list[RegistryRow] = []
    problems: list[RowProblem] = []
    for number, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue

        def cell(name: str, record: list[str] = record) -> str | None:
            index = col.get(name)
            if index is None or index >= len(record):
                return None
            return record[index].strip() or None

        def problem(name: str, message: str, number: int = number) -> None:
            letter = column_letter(col[name]) if name in col else None
            problems.append(RowProblem(Location(file=filename, row=number, column=letter), message))

        name, kind = cell("name"), cell("kind")
        register_number, wikidata = cell("register_number"), cell("wikidata")
        if not name:
            problem("name", 'empty "name"')
        if kind not in KINDS:
            problem("kind", f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
        if register_number and not _REGISTER_NUMBER.match(register_number):
            problem("register_number", f"register number {register_number!r} is not 11 digits")
        if wikidata and not _WIKIDATA.match(wikidata):
            problem("wikidata", f"Wikidata id {wikidata!r} is not of the form Q123")
        if name and kind in KINDS:
            rows.append(
                RegistryRow(
                    number,
                    institution_slug(name),
                    name,
                    kind,
                    cell("name_en"),
                    cell("parent"),
                    register_number,
                    wikidata,
                    cell("abbreviation"),
                )
            )
    seen: dict[str, int] = {}
    for row in rows:
        if row.institution_id in seen:
            problems.append(
                RowProblem(
                    Location(file=filename, row=row.row, column=column_letter(col["name"])),
                    f"institution {row.name!r} already listed in row {seen[row.institution_id]}",
                )
            )
        seen.setdefault(row.institution_id, row.row)
    if problems:
        raise RowError(problems)
    return rows


def registry_triples(
    rows: list[RegistryRow], resolve: Callable[[str], str | None]
) -> Iterable[Triple]:
    """The RDF of registry rows (docs/MODEL.md §4, optional institution facts).

    Args:
        rows: checked registry rows.
        resolve: institution name -> pvkg id or None (see :func:`registry_names`), used to
            find parents; an unresolved parent gets the slug of its name.
    """
    for row in rows:
        iri = institution_iri(row.institution_id)
        yield iri, RDF.type, KINDS[row.kind]
        for cls in (
            PV["Institution"],
            CV["PublicOrganisation"],
            ORG["FormalOrganization"],
            FOAF["Agent"],
        ):
            yield iri, RDF.type, cls
        yield iri, DCTERMS.identifier, Literal(row.institution_id)
        yield iri, SKOS.prefLabel, Literal(row.name, lang="lv")
        yield iri, DCTERMS.title, Literal(row.name, lang="lv")
        yield iri, FOAF.name, Literal(row.name, lang="lv")
        yield iri, ORG.classification, concept(INSTITUTION_KIND, row.kind)
        yield iri, DCTERMS.spatial, ATU_LATVIA
        if row.name_en:
            yield iri, SKOS.prefLabel, Literal(row.name_en, lang="en")
            yield iri, DCTERMS.title, Literal(row.name_en, lang="en")
        if row.abbreviation:
            yield iri, SKOS.altLabel, Literal(row.abbreviation, lang="lv")
        if row.parent:
            parent_id = resolve(row.parent) or institution_slug(row.parent)
            yield iri, ORG.subOrganizationOf, institution_iri(parent_id)
        if row.register_number:
            identifier = URIRef(f"{iri}/identifier/ur")
            yield iri, ROV.registration, identifier
            yield identifier, RDF.type, ADMS.Identifier
            yield identifier, SKOS.notation, Literal(row.register_number)
            yield identifier, ADMS.schemeAgency, Literal(UR_AGENCY)
        if row.wikidata:
            yield iri, OWL.sameAs, URIRef(f"http://www.wikidata.org/entity/{row.wikidata}")


def registry_names(store: Store, rows: list[RegistryRow]) -> InstitutionNames:
    """The institutions in the view, with the file's own names first (they are the newer ones).

    Raises:
        StoreError: the store cannot be queried.
    """
    return institution_names(store).with_names((row.name, row.institution_id) for row in rows)


def load_registry(store: Store, data: bytes, filename: str) -> int:
    """Replace the institutions graph with a registry CSV, atomically; returns the row count.

    Raises:
        SourceSyntaxError, RowError: the file is unusable; the store is unchanged.
    """
    rows = parse_registry(data, filename)
    resolve = registry_names(store, rows)
    store.replace_graph(
        view.staging_graph(str(INSTITUTIONS_GRAPH)), registry_triples(rows, resolve)
    )
    view.commit_staged(store, str(INSTITUTIONS_GRAPH))
    return len(rows)

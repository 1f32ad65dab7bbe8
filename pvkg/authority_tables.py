"""Refresh our small EU authority-table file from the Publications Office's full SKOS files.

pvkg ships only the concepts it uses (``reference/eu-authority-tables.ttl``). When you have the
official SKOS distribution of a table (for example ``languages-skos.rdf`` from
https://op.europa.eu/en/web/eu-vocabularies/dataset/-/resource?uri=http://publications.europa.eu/resource/dataset/language),
extract the concepts you need with their official labels::

    python -m pvkg.authority_tables refresh languages-skos.rdf --codes LAV,ENG
    python -m pvkg.authority_tables refresh atu-skos.rdf --codes LVA --languages lv,en \\
        --output reference/eu-authority-tables.ttl

For each code, the concept ``http://publications.europa.eu/resource/authority/<table>/<CODE>``
is looked up in the file; its ``skos:prefLabel`` in the chosen languages, its ``skos:inScheme``
and the code as ``skos:notation`` are written to the output file, typed ``skos:Concept`` plus the
class the DCAT-AP / CPSV-AP shapes expect for that table (:data:`TABLE_CLASSES`). Everything
else already in the output file is kept (its leading comment block too); the descriptions of
the refreshed concepts are replaced. A code missing from the SKOS file is an error and nothing
is written.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS
from rdflib.util import guess_format

from pvkg.errors import InputError, SourceSyntaxError
from pvkg.settings import DATA_ROOT

AUTHORITY = "http://publications.europa.eu/resource/authority/"
DEFAULT_OUTPUT = DATA_ROOT / "reference" / "eu-authority-tables.ttl"
TABLE_CLASSES: dict[str, tuple[URIRef, ...]] = {
    "language": (DCTERMS.LinguisticSystem,),
    "atu": (DCTERMS.Location,),
    "country": (DCTERMS.Location,),
    "place": (DCTERMS.Location,),
    "continent": (DCTERMS.Location,),
    "file-type": (DCTERMS.MediaTypeOrExtent,),
    "licence": (DCTERMS.LicenseDocument,),
    "access-right": (DCTERMS.RightsStatement,),
    "frequency": (DCTERMS.Frequency,),
}

__all__ = ["TABLE_CLASSES", "extract_concepts", "main", "refresh"]


def _parse(path: Path) -> Graph:
    fmt = guess_format(str(path)) or "xml"
    try:
        return Graph().parse(path, format=fmt)
    except Exception as err:  # rdflib raises parser-specific errors
        raise SourceSyntaxError(f"{path}: not readable as {fmt}: {err}") from None


def _table_of(graph: Graph, table: str | None) -> str:
    if table:
        return table.strip("/")
    schemes = sorted(
        str(s)[len(AUTHORITY) :]
        for s in graph.subjects(RDF.type, SKOS.ConceptScheme)
        if str(s).startswith(AUTHORITY) and "/" not in str(s)[len(AUTHORITY) :]
    )
    if len(schemes) != 1:
        found = ", ".join(schemes) or "none"
        raise InputError(f"cannot tell which authority table the file holds ({found}); use --table")
    return schemes[0]


def extract_concepts(
    source: Graph, table: str, codes: Sequence[str], languages: Sequence[str] = ("lv", "en")
) -> Graph:
    """The listed concepts of one table, typed, with their labels in ``languages``.

    Raises:
        InputError: a code is not in ``source``.

    >>> src = Graph()
    >>> lav = URIRef(AUTHORITY + "language/LAV")
    >>> _ = src.add((lav, SKOS.prefLabel, Literal("Latvian", lang="en")))
    >>> _ = src.add((lav, SKOS.prefLabel, Literal("letton", lang="fr")))
    >>> out = extract_concepts(src, "language", ["LAV"])
    >>> sorted(str(o) for o in out.objects(lav, SKOS.prefLabel))
    ['Latvian']
    """
    scheme = URIRef(f"{AUTHORITY}{table}")
    out = Graph()
    missing = []
    for code in codes:
        concept = URIRef(f"{AUTHORITY}{table}/{code}")
        if (concept, None, None) not in source:
            missing.append(code)
            continue
        out.add((concept, RDF.type, SKOS.Concept))
        for cls in TABLE_CLASSES.get(table, ()):
            out.add((concept, RDF.type, cls))
        out.add((concept, SKOS.inScheme, scheme))
        out.add((concept, SKOS.notation, Literal(code)))
        for label in source.objects(concept, SKOS.prefLabel):
            if isinstance(label, Literal) and label.language in languages:
                out.add((concept, SKOS.prefLabel, label))
    if missing:
        raise InputError(f"codes not in the {table} table file: {', '.join(missing)}")
    out.add((scheme, RDF.type, SKOS.ConceptScheme))
    titles = [
        t
        for p in (DCTERMS.title, SKOS.prefLabel)
        for t in source.objects(scheme, p)
        if isinstance(t, Literal) and t.language in languages
    ]
    for title in titles:
        out.add((scheme, DCTERMS.title, Literal(str(title), lang=title.language)))
    return out


def _header(path: Path) -> list[str]:
    if not path.exists():
        return []
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return lines


def refresh(
    source_path: Path,
    codes: Sequence[str],
    *,
    output: Path = DEFAULT_OUTPUT,
    table: str | None = None,
    languages: Sequence[str] = ("lv", "en"),
) -> int:
    """Put ``codes`` of the table in ``source_path`` into ``output``; returns the concept count.

    Raises:
        SourceSyntaxError: the source or the output file does not parse.
        InputError: the table cannot be told, or a code is missing; ``output`` is unchanged.
    """
    source = _parse(source_path)
    table = _table_of(source, table)
    extracted = extract_concepts(source, table, codes, languages)
    current = Graph()
    if output.exists():
        try:
            current.parse(output, format="turtle")
        except Exception as err:
            raise SourceSyntaxError(f"{output}: {err}") from None
    refreshed = {s for s in extracted.subjects(SKOS.inScheme, None)}
    scheme = URIRef(f"{AUTHORITY}{table}")
    for subject in refreshed:
        current.remove((subject, None, None))
    if any(True for _ in extracted.objects(scheme, DCTERMS.title)):
        current.remove((scheme, DCTERMS.title, None))
    if not any(True for _ in current.objects(scheme, DCTERMS.title)) and not any(
        True for _ in extracted.objects(scheme, DCTERMS.title)
    ):
        extracted.add((scheme, DCTERMS.title, Literal(f"EU authority table: {table}", lang="en")))
    current += extracted
    for prefix, namespace in (("skos", SKOS), ("dct", DCTERMS)):
        current.bind(prefix, namespace)
    digest = hashlib.sha256(source_path.read_bytes()).hexdigest()
    note = (
        f"# Refreshed {datetime.now(UTC).date().isoformat()} by pvkg.authority_tables from "
        f"{source_path.name} (sha256 {digest[:16]}…): {table} {', '.join(codes)}"
    )
    body = current.serialize(format="turtle")
    output.write_text("\n".join([*_header(output), note, "", body]), encoding="utf-8")
    return len(refreshed)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m pvkg.authority_tables refresh FILE --codes A,B``; exit 0, or 2 on bad input."""
    parser = argparse.ArgumentParser(prog="python -m pvkg.authority_tables")
    sub = parser.add_subparsers(dest="command", required=True)
    cmd = sub.add_parser("refresh", help="copy concepts from an official SKOS file")
    cmd.add_argument("file", type=Path, help="the table's SKOS file (RDF/XML, Turtle, …)")
    cmd.add_argument("--codes", required=True, help="comma-separated codes, e.g. LAV,ENG")
    cmd.add_argument("--table", help="table segment, e.g. language (default: from the file)")
    cmd.add_argument("--languages", default="lv,en", help="label languages to keep")
    cmd.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="file to update")
    args = parser.parse_args(argv)
    codes = [c.strip() for c in args.codes.split(",") if c.strip()]
    languages = [lang.strip() for lang in args.languages.split(",") if lang.strip()]
    try:
        count = refresh(args.file, codes, output=args.output, table=args.table, languages=languages)
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"{args.output}: {count} concept(s) refreshed from {args.file.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

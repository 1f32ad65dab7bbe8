"""Point a validation result at the cell (or line) of the submitted file it came from.

The source map is described in docs/MODEL.md §5. For a result about ``focus`` and ``path``:

1. a ``pv:sourceCell`` of the focus for that property -> its row and column;
2. else the focus's ``pv:sourceRow`` (or the row of its first ``pv:sourceCell``) with the
   column mapped to that property;
3. else the row alone (a missing value: the row of the service);
4. else the file alone (row and column null) when the focus belongs to a known file;
5. else ``None``.

RDF input (a file with no sheet and no mapped columns) has lines: a ``pv:sourceCell`` of the
focus for that property (its ``pv:row`` is the line of the fact), else the focus's
``pv:sourceLine`` (a missing value: the subject's line), else the file with line null.

The file (and sheet) come from the portfolio the focus belongs to: the portfolio
``pvid:institution/<inst>/portfolio`` whose institution IRI prefixes the focus IRI.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from pvkg.namespaces import PV
from pvkg.reports.ntriples import scan


class SourceResolver:
    """Resolves (focus, path) to ``{"file", "sheet", "row", "column"}`` or ``{"file", "line"}``.

    >>> from rdflib import Graph
    >>> SourceResolver(Graph()).resolve(URIRef("urn:x"), None) is None
    True
    """

    def __init__(self, sources: Graph) -> None:
        self.sources = sources
        self.files: dict[str, tuple[str, str | None, dict[Node, str]]] = {}
        for portfolio, name in sources.subject_objects(PV.sourceFile):
            sheet = sources.value(portfolio, PV.sourceSheet)
            columns: dict[Node, str] = {}
            for spec in sources.objects(portfolio, PV.columnOf):
                prop = sources.value(spec, PV.property)
                column = sources.value(spec, PV.column)
                if prop is not None and column is not None:
                    columns[prop] = str(column)
            prefix = str(portfolio)
            if prefix.endswith("/portfolio"):
                prefix = prefix[: -len("/portfolio")]
            self.files[prefix] = (str(name), None if sheet is None else str(sheet), columns)

    def _file_of(self, focus: Node) -> tuple[str, str | None, dict[Node, str]] | None:
        text = str(focus)
        best = None
        for prefix, info in self.files.items():
            if (text == prefix or text.startswith(prefix + "/")) and (
                best is None or len(prefix) > len(best[0])
            ):
                best = (prefix, info)
        if best is not None:
            return best[1]
        if len(self.files) == 1:
            return next(iter(self.files.values()))
        return None

    def resolve(self, focus: Node | None, path: Node | None) -> dict[str, Any] | None:
        """The location of the fact (focus, path), or None when it cannot be known."""
        if focus is None:
            return None
        info = self._file_of(focus)
        if info is None:
            return None
        name, sheet, columns = info
        s = self.sources
        # an inverse path (C14: services whose authority is the focus) is about the focus
        # itself: the cell that names it
        wanted = path if isinstance(path, URIRef) else SKOS.prefLabel if path is not None else None
        if not columns and sheet is None:  # RDF input: lines, no rows or columns
            return {"file": name, "line": self._line(focus, wanted)}
        for cell in self._cells(focus, wanted):
            row = s.value(cell, PV.row)
            column = s.value(cell, PV.column)
            return {
                "file": name,
                "sheet": sheet,
                "row": None if row is None else int(row),
                "column": None if column is None else str(column),
            }
        row = s.value(focus, PV.sourceRow)
        if row is None:  # described off a row (e.g. the institution): the row of its first cell
            rows = [s.value(c, PV.row) for c in s.objects(focus, PV.sourceCell)]
            row = min((int(r) for r in rows if r is not None), default=None)
        if row is not None:
            column = columns.get(path) if isinstance(path, URIRef) else None
            return {"file": name, "sheet": sheet, "row": int(row), "column": column}
        # the file is known, the place in it is not (a fact the file lacks, about a node no row
        # describes): the file alone still tells a reader of several files which to fix
        return {"file": name, "sheet": sheet, "row": None, "column": None}

    def _line(self, focus: Node, wanted: Node | None) -> int | None:
        """RDF input: the line of the fact (a ``pv:sourceCell`` for the property, whose
        ``pv:row`` is a line), else the focus's ``pv:sourceLine`` (a missing value: where the
        subject is described), else None."""
        s = self.sources
        for cell in self._cells(focus, wanted):
            line = s.value(cell, PV.row)
            if line is not None:
                return int(line)
        line = s.value(focus, PV.sourceLine)
        return None if line is None else int(line)

    def _cells(self, focus: Node, wanted: Node | None) -> Iterator[Node]:
        """The focus's ``pv:sourceCell`` nodes for the property ``wanted`` (none for None)."""
        if wanted is None:
            return
        for cell in self.sources.objects(focus, PV.sourceCell):
            if self.sources.value(cell, PV.property) == wanted:
                yield cell


_SOURCE_FILE = f"<{PV.sourceFile}>"
_COLUMN_OF = f"<{PV.columnOf}>"
_SOURCE_CELL = f"<{PV.sourceCell}>"


def _selected_lines(text: str, foci: set[str]) -> str:
    """The lines of one source map that resolving ``foci`` (``<iri>`` tokens) reads, in order."""
    lines = list(scan(text))
    wanted = {s for s, p, _o, _l in lines if p == _SOURCE_FILE} | foci
    # the column specs of the portfolios and the cells of the foci
    wanted |= {o for s, p, o, _l in lines if s in wanted and p in (_COLUMN_OF, _SOURCE_CELL)}
    return "\n".join(line for s, _p, _o, line in lines if s in wanted)


def source_subgraph(texts: Iterable[str], foci: Iterable[Node]) -> Graph:
    """The part of source maps (N-Triples text, one per portfolio) that resolving ``foci`` reads.

    The portfolios (``pv:sourceFile``) with their column specs, and the foci with their cells,
    parsed in the order of the text: :class:`SourceResolver` on it answers exactly as on the
    whole map (where two specs or cells fit, the order decides), and parsing a few dozen lines
    instead of the whole map costs a fraction of a millisecond.

    >>> text = '<urn:p> <https://pvkg.lv/ontology#sourceFile> "a.csv" .\\n<urn:x> <urn:q> <urn:y> .'
    >>> len(source_subgraph([text], [URIRef("urn:z")]))
    1
    """
    tokens = {f"<{f}>" for f in foci if isinstance(f, URIRef)}
    graph = Graph()
    for text in texts:  # one parse each: blank node labels are per document
        selected = _selected_lines(text, tokens)
        if selected:
            graph.parse(data=selected, format="nt")
    return graph

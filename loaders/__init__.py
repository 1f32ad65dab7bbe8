"""Portfolio files to RDF: CSV, Excel and CPSV-AP RDF (INTERFACES.md §2, docs/MODEL.md §3-5).

>>> text = "inst_service_id,institution\\nDA-1,Digitālā aģentūra\\n"
>>> loaded = read_portfolio(text.encode(), "da.csv")
>>> loaded.institution_id, loaded.service_count, loaded.fmt
('digitala-agentura', 1, 'csv')
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph

from loaders.mapping import NO_INSTITUTION, PortfolioRecord, build_graphs
from loaders.ntriples import graph_to_nt, parse_graph
from pvkg.errors import Location, PayloadTooLarge, SourceSyntaxError, UnsupportedFormat
from pvkg.settings import Settings

if TYPE_CHECKING:
    from pvkg.store import Store

InstitutionResolver = Callable[[str], str | None]

__all__ = [
    "NO_INSTITUTION",
    "InstitutionResolver",
    "LoadedPortfolio",
    "detect_format",
    "institution_resolver",
    "names_no_institution",
    "read_portfolio",
    "read_portfolio_file",
    "read_portfolios",
    "read_portfolios_file",
    "with_institution_id",
]

RDF_EXTENSIONS = {".ttl": "turtle", ".jsonld": "jsonld", ".rdf": "rdfxml", ".nt": "nt"}
FORMATS = ("csv", "xlsx", *RDF_EXTENSIONS.values())


class _Triples:
    """One set of triples, held lazily as an rdflib Graph, N-Triples text and that text's UTF-8:
    each form is made from another on first use, then kept. Pickling carries the UTF-8 only, so
    a reader process encodes it and the process that stores it neither decodes nor re-encodes it
    (bench/NOTES.md, finding 17)."""

    __slots__ = ("_data", "_graph", "_text")

    def __init__(self, graph: Graph | None = None, text: str | None = None) -> None:
        if graph is None and text is None:
            raise TypeError("triples need a Graph or N-Triples text")
        self._graph, self._text, self._data = graph, text, None

    @property
    def text(self) -> str:
        if self._text is None:
            if self._data is not None:
                self._text = self._data.decode("utf-8")
            else:
                assert self._graph is not None
                self._text = graph_to_nt(self._graph)
        return self._text

    @property
    def data(self) -> bytes:
        if self._data is None:
            self._data = self.text.encode("utf-8")
        return self._data

    @property
    def graph(self) -> Graph:
        if self._graph is None:
            self._graph = parse_graph(self.text)
        return self._graph

    def count(self) -> int:
        """The number of triples, from whichever form is at hand (text: one triple a line)."""
        if self._graph is not None:
            return len(self._graph)
        if self._text is None and self._data is not None:
            return self._data.count(b"\n")
        return self.text.count("\n")

    def __getstate__(self) -> bytes:
        return self.data

    def __setstate__(self, data: bytes) -> None:
        self._graph, self._text, self._data = None, None, data


class LoadedPortfolio:
    """One portfolio file read into RDF, ready to validate and store.

    The triples are held as N-Triples text (``graph_nt``, ``sources_nt``: one distinct triple a
    line), which the store parses natively. ``graph`` and ``sources`` are the same triples as
    rdflib Graphs, parsed from that text on first use only (pyshacl, exporters, tests); count
    with ``triple_count``, which does not parse. Built from Graphs instead (``graph=``), the text
    is written from them on first use. The text is what gets stored: to change the triples,
    assign a new Graph to ``graph`` (adding to the parsed one changes nothing stored).

    ``checked_text`` is True when every IRI and language tag in the text was minted or fixed by
    pvkg (the CSV and Excel loaders): the store may then skip re-validating them. Text written
    from an RDF file's own terms, or from an assigned Graph, is never marked checked.
    """

    def __init__(
        self,
        institution_id: str,
        institution_name: str,
        graph: Graph | None = None,
        sources: Graph | None = None,
        filename: str = "",
        sha256: str = "",
        fmt: str = "",
        warnings: list[str] | None = None,
        service_count: int = 0,
        person_count: int = 0,
        *,
        graph_nt: str | None = None,
        sources_nt: str | None = None,
        triple_count: int | None = None,
        checked_text: bool = False,
    ) -> None:
        if graph is None and graph_nt is None:
            raise TypeError("LoadedPortfolio needs graph or graph_nt")
        self.institution_id = institution_id
        self.institution_name = institution_name
        self.filename = filename
        self.sha256 = sha256
        self.fmt = fmt
        self.warnings = list(warnings or [])
        self.service_count = service_count
        self.person_count = person_count
        self._triples = _Triples(graph, graph_nt)
        self._source_triples = _Triples(
            sources if sources is not None or sources_nt is not None else Graph(), sources_nt
        )
        self._triple_count = triple_count
        self.checked_text = checked_text and graph_nt is not None

    @property
    def graph_nt(self) -> str:
        """The portfolio graph as N-Triples text."""
        return self._triples.text

    @property
    def sources_nt(self) -> str:
        """The source map (docs/MODEL.md §5) as N-Triples text."""
        return self._source_triples.text

    @property
    def graph_nt_bytes(self) -> bytes:
        """:attr:`graph_nt` as UTF-8, encoded once (the store parses bytes)."""
        return self._triples.data

    @property
    def sources_nt_bytes(self) -> bytes:
        """:attr:`sources_nt` as UTF-8, encoded once."""
        return self._source_triples.data

    @property
    def triple_count(self) -> int:
        """The number of triples in the portfolio graph (``len(graph)`` without parsing)."""
        if self._triple_count is None:
            self._triple_count = self._triples.count()
        return self._triple_count

    @property
    def graph(self) -> Graph:
        """The portfolio graph as an rdflib Graph (parsed once, on first use)."""
        return self._triples.graph

    @graph.setter
    def graph(self, graph: Graph) -> None:
        self._triples, self._triple_count = _Triples(graph), None
        self.checked_text = False

    @property
    def sources(self) -> Graph:
        """The source map as an rdflib Graph (parsed once, on first use)."""
        return self._source_triples.graph

    @sources.setter
    def sources(self, sources: Graph) -> None:
        self._source_triples = _Triples(sources)
        self.checked_text = False

    def __repr__(self) -> str:
        return (
            f"LoadedPortfolio({self.institution_id!r}, {self.filename!r}, fmt={self.fmt!r}, "
            f"services={self.service_count}, triples={self.triple_count})"
        )


def detect_format(filename: str) -> str:
    """The input format a file name's extension says.

    Raises:
        UnsupportedFormat: not .csv, .xlsx, .ttl, .jsonld, .rdf or .nt.

    >>> detect_format("Portfelis.XLSX")
    'xlsx'
    """
    suffix = Path(filename).suffix.lower()
    if suffix in (".csv", ".xlsx"):
        return suffix[1:]
    if suffix in RDF_EXTENSIONS:
        return RDF_EXTENSIONS[suffix]
    raise UnsupportedFormat(
        f"unsupported file type {suffix or '(none)'!r}; expected .csv, .xlsx, .ttl, .jsonld, "
        ".rdf or .nt",
        location=Location(file=filename),
    )


def read_portfolio(
    data: bytes,
    filename: str,
    *,
    encoding: str | None = None,
    resolve_institution: InstitutionResolver | None = None,
    settings: Settings | None = None,
) -> LoadedPortfolio:
    """Read one portfolio file (format by extension) into the pvkg data model.

    Args:
        data: the file's bytes.
        filename: its name (the extension picks the reader; the name goes into messages).
        encoding: force the text encoding of a CSV file.
        resolve_institution: maps a Latvian institution name to an existing institution id.
        settings: limits (``max_upload_bytes``, ``max_rows``, ``max_cell_chars``).

    Raises:
        UnsupportedFormat: unknown extension.
        PayloadTooLarge: the file, its rows or its cells are over the limits.
        SourceSyntaxError: unreadable file (encoding, not a workbook, RDF syntax): file and line.
        RowError: readable, but without a service-id column or with rows that are not services.
    """
    settings = settings or Settings()
    fmt, name = _checked_format(data, filename, settings)
    record = _read_record(data, name, fmt, encoding, resolve_institution, settings)
    return _loaded(record, name, fmt, hashlib.sha256(data).hexdigest())


def read_portfolios(
    data: bytes,
    filename: str,
    *,
    encoding: str | None = None,
    resolve_institution: InstitutionResolver | None = None,
    settings: Settings | None = None,
) -> list[LoadedPortfolio]:
    """Read a file that may hold several portfolios: an RDF file with one ``dcat:Dataset`` per
    institution (what ``pvkg export cpsv`` writes for a whole store) gives one each; any other
    file gives the one :func:`read_portfolio` reads.

    A portfolio read from a file of several carries as ``sha256`` the digest of its own triples
    (sorted N-Triples), not of the file: loading the file again after another institution's part
    changed does not make a new version of the unchanged ones.

    Raises:
        everything :func:`read_portfolio` raises; SourceSyntaxError also for two portfolios of
        one institution in the file.
    """
    settings = settings or Settings()
    fmt, name = _checked_format(data, filename, settings)
    if fmt in ("csv", "xlsx"):
        records = [_read_record(data, name, fmt, encoding, resolve_institution, settings)]
    else:
        from loaders.rdf_portfolio import read_rdf_all

        records = read_rdf_all(
            data, name, fmt, settings=settings, resolve_institution=resolve_institution
        )
    if len(records) == 1:
        return [_loaded(records[0], name, fmt, hashlib.sha256(data).hexdigest())]
    return [_loaded(record, name, fmt, None) for record in records]


def _checked_format(data: bytes, filename: str, settings: Settings) -> tuple[str, str]:
    """The format and base name of a file within the size limit.

    Raises:
        UnsupportedFormat: unknown extension.
        PayloadTooLarge: over ``max_upload_bytes``.
    """
    fmt = detect_format(filename)
    name = Path(filename).name
    if len(data) > settings.max_upload_bytes:
        raise PayloadTooLarge(
            f"file is {len(data)} bytes; at most {settings.max_upload_bytes} are allowed "
            "(PVKG_MAX_UPLOAD_BYTES)",
            location=Location(file=name),
        )
    return fmt, name


def _loaded(record: PortfolioRecord, name: str, fmt: str, sha256: str | None) -> LoadedPortfolio:
    """The record as a LoadedPortfolio; ``sha256`` None: the digest of its own triples (sorted
    N-Triples lines), for one portfolio of a file of several."""
    built = build_graphs(record)
    if sha256 is None:
        lines = sorted(built.graph_nt.splitlines())
        sha256 = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
    return LoadedPortfolio(
        institution_id=record.institution_id,
        institution_name=record.institution_name,
        graph_nt=built.graph_nt,
        sources_nt=built.sources_nt,
        triple_count=built.triple_count,
        filename=name,
        sha256=sha256,
        fmt=fmt,
        warnings=list(record.warnings),
        service_count=len(record.services),
        person_count=built.person_count,
        # every IRI of a CSV or Excel portfolio is minted by pvkg, every language tag fixed
        checked_text=fmt in ("csv", "xlsx"),
    )


def _read_record(
    data: bytes,
    name: str,
    fmt: str,
    encoding: str | None,
    resolve_institution: InstitutionResolver | None,
    settings: Settings,
) -> PortfolioRecord:
    if fmt == "csv":
        from loaders.csv_portfolio import read_csv

        return read_csv(
            data,
            name,
            settings=settings,
            encoding=encoding,
            resolve_institution=resolve_institution,
        )
    if fmt == "xlsx":
        from loaders.xlsx_portfolio import read_xlsx

        return read_xlsx(data, name, settings=settings, resolve_institution=resolve_institution)
    from loaders.rdf_portfolio import read_rdf

    return read_rdf(data, name, fmt, settings=settings, resolve_institution=resolve_institution)


def read_portfolio_file(
    path: Path,
    *,
    encoding: str | None = None,
    resolve_institution: InstitutionResolver | None = None,
    settings: Settings | None = None,
) -> LoadedPortfolio:
    """:func:`read_portfolio` for a file on disk.

    Raises:
        SourceSyntaxError: the file cannot be opened; and everything read_portfolio raises.
    """
    return read_portfolio(
        _file_bytes(path),
        Path(path).name,
        encoding=encoding,
        resolve_institution=resolve_institution,
        settings=settings,
    )


def read_portfolios_file(
    path: Path,
    *,
    encoding: str | None = None,
    resolve_institution: InstitutionResolver | None = None,
    settings: Settings | None = None,
) -> list[LoadedPortfolio]:
    """:func:`read_portfolios` for a file on disk.

    Raises:
        SourceSyntaxError: the file cannot be opened; and everything read_portfolios raises.
    """
    return read_portfolios(
        _file_bytes(path),
        Path(path).name,
        encoding=encoding,
        resolve_institution=resolve_institution,
        settings=settings,
    )


def _file_bytes(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as err:
        raise SourceSyntaxError(
            f"cannot read the file: {err.strerror or err}", location=Location(file=Path(path).name)
        ) from None


def institution_resolver(store: Store) -> InstitutionResolver:
    """A resolver matching names against the institutions in the store's default graph.

    The rule shared with the registry and survey loaders (:mod:`pvkg.institution_names`):
    ``skos:prefLabel``, then ``skos:altLabel``, then ``dct:identifier`` of a ``pv:Institution``
    or ``cv:PublicOrganisation``, case-insensitively; then the name's slug when that is a known
    institution id. Returns the institution id (the last segment of a ``pvid:institution/<id>``
    IRI, else its ``dct:identifier``).

    The returned callable also has ``label(institution_id)``: the store's Latvian name, which
    the loaders use instead of the file's variant (``VARAM`` → the full name), so a resolved
    institution never gains a second ``skos:prefLabel``@lv.

    Raises:
        StoreError: the store cannot be queried.
    """
    from loaders.institutions import store_resolver

    return store_resolver(store)


def names_no_institution(portfolio: LoadedPortfolio) -> bool:
    """Whether the file named no institution, so its id is only its file name's slug."""
    return any(w.startswith(NO_INSTITUTION) for w in portfolio.warnings)


def with_institution_id(portfolio: LoadedPortfolio, institution_id: str) -> LoadedPortfolio:
    """The portfolio with every IRI minted under its institution moved to ``institution_id``
    (the graph and its source map; literals are left as they are)."""
    from rdflib import URIRef

    from pvkg.namespaces import institution_iri

    old = str(institution_iri(portfolio.institution_id))
    new = str(institution_iri(institution_id))

    def moved(term: object) -> object:
        if isinstance(term, URIRef) and (term == old or term.startswith(old + "/")):
            return URIRef(new + term[len(old) :])
        return term

    def graph(source: Graph) -> Graph:
        out = Graph()
        for triple in source:
            out.add(tuple(moved(t) for t in triple))  # type: ignore[arg-type]
        return out

    return LoadedPortfolio(
        institution_id,
        portfolio.institution_name,
        graph(portfolio.graph),
        graph(portfolio.sources),
        filename=portfolio.filename,
        sha256=portfolio.sha256,
        fmt=portfolio.fmt,
        warnings=portfolio.warnings,
        service_count=portfolio.service_count,
        person_count=portfolio.person_count,
    )

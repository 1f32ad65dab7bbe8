"""The N-Triples writer of the loaders agrees with the rdflib builder it replaced, nasty literals
included, and LoadedPortfolio parses its text only when asked."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDFS, XSD

from loaders import LoadedPortfolio, _read_record, read_portfolio, read_portfolio_file
from loaders.mapping import PortfolioRecord, ServiceRecord, SourceCell, build_graphs
from loaders.ntriples import escape, graph_to_nt, literal, parse_graph, term
from pvkg.namespaces import PV, institution_iri
from pvkg.settings import Settings
from tests.loaders.conftest import assert_isomorphic
from tests.loaders.reference_mapping import reference_graphs

NASTY = [
    'quote " inside',
    "back\\slash and \\n not a newline",
    "two\nlines\r\nand a carriage\rreturn",
    "tab\there, bell \x07, escape \x1b, delete \x7f",
    "Ķēniņš Ģirts Šņore Žūžļa — “pēdiņas” ‘vienpēdiņas’ €",
    "ends with a backslash \\",
    '"""triple quotes"""',
    "emoji 🇱🇻 and a zero-width\u200bspace",
]


def nasty_record() -> PortfolioRecord:
    services = []
    for index, text in enumerate(NASTY, start=1):
        services.append(
            ServiceRecord(
                f"ID {index}/ä?#",
                row=index + 1,
                register_ids=[text],
                titles=[Literal(text, lang="lv"), Literal(text, lang="EN-gb")],
                needs=[text, "kopīga vajadzība"],  # the shared need repeats its triples
                statuses=[Literal(text)],
                priorities=[Literal(str(index), datatype=XSD.integer)],
                managers=[f"Vadītājs {text}", "Ilze Kalniņa"],
                comments=[Literal(f"Piezīmes: {text}")],
                extra=[(RDFS.seeAlso, URIRef("https://example.org/a?b=c&d=%20"))],
            )
        )
    services.append(ServiceRecord("ID 1/ä?#", local_id="ID 1/ä?#~2", line=99))
    inst = institution_iri("nasty")
    return PortfolioRecord(
        institution_id="nasty",
        institution_name='Iestāde "Ķ\\n"\notrā rindā',
        filename='fails "ar" \\ pēdiņām\n.csv',
        managers=["Pēteris Liepiņš", 'Pēteris "Liepiņš"'],
        services=services,
        sheet="Lapa\t1",
        columns=[(PV.header, "A", 'Galvene "1"\n'), (RDFS.comment, "B", "\\")],
        cells=[SourceCell(inst, PV.portfolioManager, 3, "B"), SourceCell(inst, PV.row, None, "")],
        lines={inst: 7},
        extra_triples=[(inst, RDFS.label, Literal("x\\y\n", lang="lv"))],
        portfolio_extra=[(RDFS.comment, Literal("1.50", datatype=XSD.decimal))],
        institution_extra=[(RDFS.comment, Literal('kā "šis"'))],
    )


def lower_tags(graph: Graph) -> Graph:
    """Language tags in lower case: tags are case-insensitive (rdflib's ``==`` agrees, its
    isomorphism hash does not) and the writer, like the store, writes them lower case."""
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.language:
            o = Literal(str(o), lang=o.language.lower())
        out.add((s, p, o))
    return out


def test_nasty_literals_give_the_reference_graphs() -> None:
    record = nasty_record()
    built = build_graphs(record)
    graph, sources = reference_graphs(record)
    graph = lower_tags(graph)
    assert_isomorphic(built.graph, graph)
    assert_isomorphic(built.sources, sources)
    assert built.triple_count == len(graph)
    assert built.graph_nt.count("\n") == len(graph)  # one line per triple, no raw newlines


@pytest.mark.parametrize(
    "name",
    ["portfolio_ok.csv", "portfolio_lv.csv", "portfolio_cpsv.ttl", "cpsv_ap_example.jsonld"],
)
def test_fixture_files_give_the_reference_graphs(data_dir: Path, name: str) -> None:
    data = (data_dir / name).read_bytes()
    fmt = {"csv": "csv", "ttl": "turtle", "jsonld": "jsonld"}[name.rsplit(".", 1)[1]]
    record = _read_record(data, name, fmt, None, None, Settings())
    graph, sources = reference_graphs(record)
    loaded = read_portfolio(data, name)
    assert loaded.triple_count == len(graph)
    assert_isomorphic(loaded.graph, graph)
    assert_isomorphic(loaded.sources, sources)


def test_an_xlsx_file_gives_the_reference_graphs(make_xlsx) -> None:
    path = make_xlsx(
        [
            ["Iestāde", "Digitālā aģentūra"],
            ["inst_service_id", "service_name_lv", "status", "Piezīmes"],
            ["DA-1", 'Nosaukums "ar" \\ un\nrindu', "sniegšana", "brīva\tteksta šūna"],
            ["DA-2", "Otrs", "nezināms statuss", None],
        ]
    )
    data = path.read_bytes()
    record = _read_record(data, path.name, "xlsx", None, None, Settings())
    graph, sources = reference_graphs(record)
    loaded = read_portfolio_file(path)
    assert_isomorphic(loaded.graph, graph)
    assert_isomorphic(loaded.sources, sources)


def test_the_graph_is_parsed_only_when_asked(data_dir: Path) -> None:
    loaded = read_portfolio_file(data_dir / "portfolio_ok.csv")
    assert loaded._triples._graph is None and loaded._source_triples._graph is None
    count = loaded.triple_count
    assert loaded._triples._graph is None
    assert len(loaded.graph) == count
    assert loaded.graph is loaded.graph  # parsed once


def test_a_portfolio_built_from_graphs_writes_its_text() -> None:
    graph = Graph()
    graph.add((URIRef("urn:a"), RDFS.label, Literal('a "b"\n', lang="lv")))
    graph.add((URIRef("urn:a"), RDFS.seeAlso, BNode("n1")))
    loaded = LoadedPortfolio("a", "A", graph=graph, filename="a.ttl", fmt="turtle")
    assert loaded.triple_count == 2
    assert_isomorphic(parse_graph(loaded.graph_nt), graph)
    assert loaded.sources_nt == ""
    with pytest.raises(TypeError):
        LoadedPortfolio("a", "A")


def test_terms_and_escapes() -> None:
    assert escape('a"b\\c\nd\re\tf\x00') == 'a\\"b\\\\c\\nd\\re\\u0009f\\u0000'
    assert literal("x", "LV") == '"x"@lv'
    assert term(Literal("1", datatype=XSD.integer)) == f'"1"^^<{XSD.integer}>'
    assert term(BNode("a-b")) == "_:xa_2d_b"
    # two labels that differ only in a character N-Triples labels cannot hold stay two nodes
    two = Graph()
    two.add((BNode("a-b"), URIRef("urn:p"), Literal(1)))
    two.add((BNode("a_b"), URIRef("urn:p"), Literal(2)))
    assert len(set(parse_graph(graph_to_nt(two)).subjects())) == 2
    with pytest.raises(TypeError):
        term("not a term")  # type: ignore[arg-type]
    assert len(parse_graph(graph_to_nt(Graph()))) == 0


@pytest.mark.parametrize(
    ("name", "checked"),
    [
        ("portfolio_ok.csv", True),
        ("portfolio_lv.csv", True),
        ("portfolio_cpsv.ttl", False),
        ("cpsv_ap_example.jsonld", False),
    ],
)
def test_only_tabular_text_is_marked_checked(data_dir: Path, name: str, checked: bool) -> None:
    """The store skips IRI checks for checked text: only text whose IRIs pvkg minted qualifies."""
    assert read_portfolio_file(data_dir / name).checked_text is checked


def test_an_xlsx_portfolio_is_checked_and_an_assigned_graph_is_not(make_xlsx) -> None:
    path = make_xlsx([["inst_service_id", "institution"], ["DA-1", "Digitālā aģentūra"]])
    loaded = read_portfolio_file(path)
    assert loaded.checked_text
    loaded.graph = Graph()  # a caller's own terms: no longer known to be checked
    assert not loaded.checked_text
    built = LoadedPortfolio("a", "A", graph_nt="", checked_text=True)
    built.sources = Graph()
    assert not built.checked_text
    assert not LoadedPortfolio("a", "A", graph=Graph(), checked_text=True).checked_text


def test_a_pickled_portfolio_carries_its_text_once_as_utf8(data_dir: Path) -> None:
    """Read-ahead workers send portfolios by pickle: the text goes as UTF-8 bytes only, and the
    receiver stores those bytes without decoding them."""
    import pickle

    loaded = read_portfolio_file(data_dir / "portfolio_lv.csv")
    text, sources = loaded.graph_nt, loaded.sources_nt
    assert len(loaded.graph) == loaded.triple_count  # a parsed Graph is not sent either
    payload = pickle.dumps(loaded)
    assert payload.count(text.encode("utf-8")) == 1
    copy = pickle.loads(payload)
    assert copy._triples._text is None and copy._triples._graph is None
    assert copy.graph_nt_bytes == text.encode("utf-8")
    assert copy.triple_count == loaded.triple_count and copy._triples._text is None
    assert (copy.graph_nt, copy.sources_nt) == (text, sources)
    assert copy.checked_text and copy.institution_id == loaded.institution_id

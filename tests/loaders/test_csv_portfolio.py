"""CSV portfolios: both header styles, separators, encodings, values and identity rules."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS

from loaders import read_portfolio, read_portfolio_file
from loaders.identity import service_iri
from pvkg.namespaces import ADMS, CV, PV, concept, institution_iri, portfolio_iri
from tests.loaders.conftest import assert_isomorphic

DA = "digitala-agentura"


def svc(service_id: str) -> URIRef:
    return service_iri(DA, service_id)


def test_english_headers_give_the_model_of_docs_model(data_dir: Path, golden) -> None:
    loaded = read_portfolio_file(data_dir / "portfolio_ok.csv")
    assert (loaded.institution_id, loaded.institution_name) == (DA, "Digitālā aģentūra")
    assert (loaded.service_count, loaded.person_count, loaded.fmt) == (9, 4, "csv")
    assert loaded.warnings == []
    g = loaded.graph
    assert set(g.objects(svc("DA-001"), CV.isClassifiedBy)) == {
        concept("service-type", "ST-PUB-IND"),
        concept("service-type", "ST-IA-SHR"),
    }
    assert g.value(svc("DA-006"), ADMS.status) == concept("status", "STATUS-DEVELOPMENT")
    assert g.value(svc("DA-008"), PV.priority) is None
    assert g.value(svc("DA-001"), PV.registerServiceId) == Literal("00101")
    assert (svc("DA-001"), DCTERMS.isPartOf, portfolio_iri(DA)) in g
    assert not any(isinstance(t, type(None)) for t in g)
    golden(g, "portfolio_ok.expected.ttl")


def test_latvian_headers_semicolons_and_inflections_give_the_same_graph(data_dir: Path) -> None:
    english = read_portfolio_file(data_dir / "portfolio_ok.csv")
    latvian = read_portfolio_file(data_dir / "portfolio_lv.csv")
    assert latvian.warnings == []
    assert_isomorphic(latvian.graph, english.graph)


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
        lambda t: t.encode("utf-16"),
        lambda t: t.encode("cp1257"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-bom", "windows-1257"],
)
def test_encodings(data_dir: Path, encode) -> None:
    text = (data_dir / "portfolio_lv.csv").read_text(encoding="utf-8").replace("✓", "X")
    loaded = read_portfolio(encode(text), "portfolio_lv.csv")
    assert loaded.institution_name == "Digitālā aģentūra"
    assert loaded.graph.value(svc("DA-007"), FOAF.name) is None
    assert (None, FOAF.name, Literal("Pēteris Liepiņš")) in loaded.graph


def test_forced_encoding_overrides_detection(data_dir: Path) -> None:
    text = "inst_service_id,institution\nDA-1,Iestāde ā\n"
    loaded = read_portfolio(text.encode("cp1257"), "a.csv", encoding="cp1257")
    assert loaded.institution_name == "Iestāde ā"
    wrong = read_portfolio(text.encode("utf-8"), "a.csv", encoding="latin-1")
    assert wrong.institution_name != "Iestāde ā"


def test_source_map_has_rows_and_column_letters(data_dir: Path) -> None:
    loaded = read_portfolio_file(data_dir / "portfolio_ok.csv")
    src = loaded.sources
    assert src.value(svc("DA-003"), PV.sourceRow) == Literal(4)
    columns = {
        (str(src.value(n, PV.property)), str(src.value(n, PV.column)), str(src.value(n, PV.header)))
        for n in src.objects(portfolio_iri(DA), PV.columnOf)
    }
    assert (str(ADMS.status), "L", "status") in columns
    assert (str(PV.serviceManager), "M", "service_manager") in columns
    assert src.value(portfolio_iri(DA), PV.sourceFile) == Literal("portfolio_ok.csv")
    cell = src.value(institution_iri(DA), PV.sourceCell)
    assert cell is not None


def _csv(*rows: str) -> bytes:
    header = "institution,portfolio_manager,inst_service_id,service_name_lv,status,priority,"
    header += "type_public_individual_benefit,service_manager"
    return "\n".join([header, *rows]).encode("utf-8")


def test_duplicate_ids_people_and_multi_valued_cells() -> None:
    data = _csv(
        "A,Pēteris Liepiņš,S-1,Viens,sniegšanā,augstā,x,Ilze Kalniņa; Jānis Ozols",
        'A,Pēteris Liepiņš,S-1,Divi,sniegsana,HIGH,,"Ilze Kalniņa\nAnna Bērziņa"',
        "A,Pēteris Liepiņš,S-1,Trīs,,,jā,",
    )
    loaded = read_portfolio(data, "a.csv")
    g = loaded.graph
    first, second, third = (service_iri("a", i) for i in ("S-1", "S-1~2", "S-1~3"))
    assert {g.value(s, DCTERMS.identifier) for s in (first, second, third)} == {Literal("S-1")}
    assert len(set(g.objects(first, PV.serviceManager))) == 2
    assert len(set(g.objects(second, PV.serviceManager))) == 2
    assert g.value(third, PV.serviceManager) is None
    assert loaded.person_count == 4  # Ilze once, though she manages two services
    assert len(set(g.subjects(RDF.type, FOAF.Person))) == 4
    assert g.value(first, ADMS.status) == concept("status", "STATUS-PROVISION")
    assert g.value(first, PV.priority) == concept("priority", "PRIO-HIGH")
    assert g.value(second, ADMS.status) == Literal("sniegsana")  # kept verbatim for C07
    assert g.value(second, PV.priority) == Literal("HIGH")
    assert g.value(second, CV.isClassifiedBy) is None
    assert g.value(third, CV.isClassifiedBy) == concept("service-type", "ST-PUB-IND")
    assert loaded.sources.value(second, PV.sourceRow) == Literal(3)
    # the row a spreadsheet shows: record 2 spans two lines of text but is one row
    assert loaded.sources.value(third, PV.sourceRow) == Literal(4)


def test_extra_columns_are_kept_as_comments_with_a_warning() -> None:
    data = "inst_service_id,institution,Piezīmes\nS-1,A,skatīt līgumu\nS-2,A,\n".encode()
    loaded = read_portfolio(data, "a.csv")
    assert loaded.graph.value(service_iri("a", "S-1"), RDFS.comment) == Literal(
        "Piezīmes: skatīt līgumu"
    )
    assert loaded.graph.value(service_iri("a", "S-2"), RDFS.comment) is None
    assert len(loaded.warnings) == 1 and "column C" in loaded.warnings[0]


def test_header_block_above_the_table_in_csv() -> None:
    data = (
        "Iestāde:;Valsts kanceleja\nPakalpojumu kopuma vadītājs;Anna Bērziņa\n;\n"
        "Iestādes pakalpojuma identifikators;Pakalpojuma nosaukums\nVK-1;Konsultācijas\n"
    ).encode()
    loaded = read_portfolio(data, "vk.csv")
    assert loaded.institution_id == "valsts-kanceleja"
    inst = institution_iri("valsts-kanceleja")
    assert loaded.graph.value(inst, PV.portfolioManager) is not None
    assert loaded.sources.value(service_iri("valsts-kanceleja", "VK-1"), PV.sourceRow) == Literal(5)


def test_a_file_without_institution_is_stored_under_its_file_name_for_c12() -> None:
    loaded = read_portfolio(b"inst_service_id\nS-1\n", "Mans portfelis.csv")
    assert loaded.institution_id == "mans-portfelis"
    assert loaded.graph.value(portfolio_iri("mans-portfelis"), DCTERMS.publisher) is None
    assert any("names no institution" in w for w in loaded.warnings)


def test_resolver_maps_names_to_existing_institution_ids(data_dir: Path) -> None:
    loaded = read_portfolio_file(
        data_dir / "portfolio_ok.csv",
        resolve_institution=lambda name: "da" if name.casefold() == "digitālā aģentūra" else None,
    )
    assert loaded.institution_id == "da"
    assert (service_iri("da", "DA-001"), RDF.type, PV.Service) in loaded.graph


def test_same_file_twice_gives_the_same_graphs(data_dir: Path) -> None:
    one = read_portfolio_file(data_dir / "portfolio_lv.csv")
    two = read_portfolio_file(data_dir / "portfolio_lv.csv")
    assert_isomorphic(one.graph, two.graph)
    assert_isomorphic(one.sources, two.sources)
    assert one.sha256 == two.sha256


def test_store_resolver_matches_reference_institutions(memory_store) -> None:
    from loaders import institution_resolver

    resolve = institution_resolver(memory_store)
    varam = resolve("Viedās administrācijas un reģionālās attīstības ministrija")
    if varam is None:
        pytest.skip("no reference institutions in this checkout")
    assert resolve("  viedās administrācijas UN reģionālās attīstības ministrija ") == varam
    assert resolve("VARAM") == varam  # skos:altLabel
    assert resolve("Digitālā aģentūra") is None
    loaded = read_portfolio(
        b"Sagatavots,x\ninstitution,inst_service_id\nVARAM,V-1\n",
        "v.csv",
        resolve_institution=resolve,
    )
    assert loaded.institution_id == varam
    assert set(loaded.graph.objects(institution_iri(varam), SKOS.prefLabel)) == {
        Literal("Viedās administrācijas un reģionālās attīstības ministrija", lang="lv")
    }


def test_excel_sep_line_tabs_and_numbering_columns() -> None:
    data = b"sep=;\nNr.;inst_service_id;institution;service_name_lv\n1;S-1;A;Viens, divi\n"
    loaded = read_portfolio(data, "a.csv")
    service = service_iri("a", "S-1")
    assert loaded.graph.value(service, DCTERMS.title) == Literal("Viens, divi", lang="lv")
    assert loaded.graph.value(service, RDFS.comment) is None  # "Nr." is ignored
    # Excel does not show its "sep=" line: the header is row 1, the service row 2
    assert loaded.sources.value(service, PV.sourceRow) == Literal(2)
    assert loaded.warnings == []
    tabbed = "inst_service_id\tinstitution\tservice_name_lv\nS-1\tA\tViens, divi\n"
    loaded = read_portfolio(tabbed.encode("utf-16"), "a.csv")
    assert loaded.graph.value(service, DCTERMS.title) == Literal("Viens, divi", lang="lv")


def test_a_repeated_column_is_read_not_dropped(data_dir: Path) -> None:
    """Two columns with one heading: a multi-valued field gets the values of both (so that C02
    and C07 can report two managers or statuses), a type gets a mark from either, and a
    single-valued field keeps the first column's text with a warning naming the other cell."""
    loaded = read_portfolio_file(data_dir / "repeated_columns.csv")
    g = loaded.graph
    one, two = service_iri("iestade-x", "A-1"), service_iri("iestade-x", "A-2")
    assert set(g.objects(one, ADMS.status)) == {
        concept("status", "STATUS-PROVISION"),
        concept("status", "STATUS-PLANNING"),
    }
    names = {str(g.value(m, FOAF.name)) for m in g.objects(one, PV.serviceManager)}
    assert names == {"Ilze", "Jānis"}
    assert len(set(g.objects(two, PV.serviceManager))) == 1  # the same name twice is one
    ind = concept("service-type", "ST-PUB-IND")
    assert ind in set(g.objects(one, CV.isClassifiedBy))
    assert ind in set(g.objects(two, CV.isClassifiedBy))  # marked only in the repeat
    assert g.value(one, DCTERMS.title) == Literal("Viens", lang="lv")
    assert any("column E ('status') repeats the heading of column C" in w for w in loaded.warnings)
    assert any("row 2, column K: 'Cits' differs from column B" in w for w in loaded.warnings)
    assert not any("row 3, column K" in w for w in loaded.warnings)  # same text: no warning


def test_a_header_block_written_in_one_cell_is_understood() -> None:
    """``Iestāde: Digitālā aģentūra`` in one cell, as people type it, not only in two cells."""
    data = (
        "Iestāde: Digitālā aģentūra\n"
        "Pakalpojumu kopuma vadītājs:  Pēteris Liepiņš\n"
        "Piezīme: nav bloka lauks\n\n"
        "inst_service_id,service_name_lv\nDA-001,Viens\n"
    ).encode()
    loaded = read_portfolio(data, "bloks.csv")
    assert (loaded.institution_id, loaded.institution_name) == (DA, "Digitālā aģentūra")
    manager = loaded.graph.value(institution_iri(DA), PV.portfolioManager)
    assert loaded.graph.value(manager, FOAF.name) == Literal("Pēteris Liepiņš")
    cell = next(loaded.sources.objects(institution_iri(DA), PV.sourceCell))
    assert loaded.sources.value(cell, PV.column) is not None

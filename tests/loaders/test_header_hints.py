"""Template headers with a hint after them (``Statuss*``, ``Pakalpojuma vadītājs (vārds,
uzvārds)``) or typed without diacritics are the template's columns (audit 4, defects 2 and 6):
their values used to be kept as comments and the report said they were missing."""

from __future__ import annotations

from rdflib import URIRef

from loaders import read_portfolio
from loaders.identity import service_iri
from pvkg.namespaces import ADMS, CV, PV, concept

PROVISION = concept("status", "STATUS-PROVISION")

HINTED = (
    "Iestāde;Digitālā aģentūra\n"
    "Iestādes pakalpojuma identifikators*;Pakalpojuma nosaukums;Statuss *;"
    "Pakalpojuma vadītājs (vārds, uzvārds);Prioritāte (augsta/vidēja/zema);"
    "Vienotā reģistra pakalpojuma identifikators [ja ir]\n"
    "DA-1;Pakalpojums;sniegšana;Jānis Bērziņš;augsta;00101\n"
)


def _service(loaded: object) -> URIRef:
    return service_iri(loaded.institution_id, "DA-1")  # type: ignore[attr-defined]


def test_headers_with_hints_are_the_template_columns() -> None:
    loaded = read_portfolio(HINTED.encode(), "hints.csv")
    service = _service(loaded)
    assert loaded.graph.value(service, ADMS.status) == PROVISION
    assert loaded.graph.value(service, PV.serviceManager) is not None
    assert loaded.graph.value(service, PV.priority) == concept("priority", "PRIO-HIGH")
    assert not [w for w in loaded.warnings if "not a template column" in w]


def test_headers_without_diacritics_are_read() -> None:
    text = HINTED.replace("Iestādes pakalpojuma", "Iestades pakalpojuma").replace(
        "Statuss *", "STATUSS"
    )
    loaded = read_portfolio(text.encode(), "plain.csv")
    assert loaded.graph.value(_service(loaded), ADMS.status) == PROVISION


def test_an_exact_header_beats_a_hinted_one() -> None:
    """An institution's own "Statuss (iekšējais)" next to the template's "Statuss" stays a
    comment column: the template's column is the status."""
    text = (
        "Iestāde;Digitālā aģentūra\n"
        "Iestādes pakalpojuma identifikators;Statuss (iekšējais);Statuss\n"
        "DA-1;pārtraukts;sniegšana\n"
    )
    loaded = read_portfolio(text.encode(), "two.csv")
    assert loaded.graph.value(_service(loaded), ADMS.status) == PROVISION
    assert [w for w in loaded.warnings if "Statuss (iekšējais)" in w]


def test_a_cyrillic_x_is_a_type_mark() -> None:
    """The Cyrillic х looks like X and is the same key on a Latvian-Russian keyboard (audit 4,
    defect 8: "not understood", and C09 pointed at another cell)."""
    text = (
        "Iestāde;Digitālā aģentūra\n"
        "Iestādes pakalpojuma identifikators;Publiskais pakalpojums – Individuāla labuma "
        "pakalpojums\n"
        "DA-1;\u0445\n"
    )
    loaded = read_portfolio(text.encode(), "mark.csv")
    types = set(loaded.graph.objects(_service(loaded), CV.isClassifiedBy))
    assert concept("service-type", "ST-PUB-IND") in types
    assert not [w for w in loaded.warnings if "not understood" in w]


def test_two_people_separated_by_a_comma_are_warned_of() -> None:
    """Only ';' and line breaks separate people (INTERFACES §2); "Jānis Bērziņš, Anna Ozoliņa"
    was one person without a word (audit 4, defect 12). "Bērziņš, Jānis" is one name."""
    text = (
        "Iestāde;Digitālā aģentūra\n"
        "Iestādes pakalpojuma identifikators;Pakalpojuma vadītājs\n"
        'DA-1;"Jānis Bērziņš, Anna Ozoliņa"\n'
        'DA-2;"Bērziņš, Jānis"\n'
        'DA-3;"Jānis Bērziņš, nodaļas vadītājs"\n'
    )
    loaded = read_portfolio(text.encode(), "people.csv")
    said = [w for w in loaded.warnings if "separated by ','" in w]
    assert len(said) == 1
    assert said[0].startswith("row 3, column B: 'Jānis Bērziņš, Anna Ozoliņa' looks like 2 people")

"""Who is the same person: the slug of the name, without ever merging two different names.

Names without Latin letters all slugged to "x", so two Cyrillic-named portfolio managers were
one person and C01/C02 missed them (audit 5, finding 9).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib.namespace import FOAF, RDF

from loaders import read_portfolio_file
from loaders.identity import person_iri, person_slug, readable_slug, slugify, text_slug
from pvkg.settings import Settings
from pvkg.validate_command import read_files
from pvkg.validation import validate_portfolios

LATVIAN = ["Pēteris Liepiņš", "Ilze Kalniņa", "Ģirts Ķēniņš", "Ņina Žvīgure", "Čaks Ūdris"]


@pytest.mark.parametrize("name", LATVIAN)
def test_latvian_names_keep_their_plain_slug(name: str) -> None:
    assert person_slug(name) == slugify(name)


def test_stored_person_iris_do_not_change() -> None:
    assert str(person_iri("digitala-agentura", "Pēteris Liepiņš")) == (
        "https://pvkg.lv/id/institution/digitala-agentura/person/peteris-liepins"
    )


@pytest.mark.parametrize(
    "names",
    [
        ["Pēteris Liepiņš", "pēteris  liepiņš", " PĒTERIS LIEPIŅŠ"],
        ["Иван Петров", "иван  петров", "ИВАН ПЕТРОВ"],
    ],
)
def test_case_and_space_variants_are_one_person(names: list[str]) -> None:
    assert len({person_slug(n) for n in names}) == 1


@pytest.mark.parametrize(
    "names",
    [
        ["Иван Петров", "Анна Иванова", "Ольга Смирнова", "Сергей Кузнецов"],
        ["王小明", "李小龙"],
        ["Jānis", "Jānis 王"],
        ["?", "*"],
    ],
)
def test_names_that_slugify_loses_stay_apart(names: list[str]) -> None:
    slugs = [person_slug(n) for n in names]
    assert len(set(slugs)) == len(names)
    assert all(s and s != "x" for s in slugs)


def test_a_name_in_another_script_is_readable_and_stable() -> None:
    # a hash of the name (not Python's hash()): the same IRI on every run and machine
    assert readable_slug("Иван Петров") == "ivan-petrov-9a81cb4c"
    assert readable_slug("Анна Иванова").startswith("anna-ivanova-")


def test_needs_in_another_script_stay_apart() -> None:
    assert text_slug("Получить справку") != text_slug("Оплатить налог")
    assert text_slug("Saņemt paziņojumus") == "sanemt-pazinojumus"


def test_cyrillic_managers_are_different_people(data_dir: Path) -> None:
    loaded = read_portfolio_file(data_dir / "cyrillic_names.csv")
    g = loaded.graph
    assert len(set(g.subjects(RDF.type, FOAF.Person))) == loaded.person_count == 4
    names = {str(o) for o in g.objects(None, FOAF.name)}
    assert "Иван Петров" in names and "Анна Иванова" in names

    found, errors = read_files(Settings(), [data_dir / "cyrillic_names.csv"])
    assert errors == []
    report = validate_portfolios(found, settings=Settings())
    assert {(r.rule, r.focus_id) for r in report.results} == {
        ("C01", "digitala-agentura"),  # Иван Петров and Анна Иванова
        ("C02", "DA-001"),  # Ольга Смирнова; Сергей Кузнецов
    }


def test_names_with_compatibility_letters_keep_their_plain_slug() -> None:
    """№, ™ and Ⅱ decompose to capitals; they used to make a Latvian name look foreign (a hash
    added to its id, so a stored person or institution changed IRI: audit 7, F6)."""
    from loaders.identity import person_slug, text_slug

    assert person_slug("Jānis Bērziņš №2") == "janis-berzins-no2"
    assert text_slug("Pakalpojumi™ Ⅱ") == "pakalpojumitm-ii"

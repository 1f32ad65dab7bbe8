"""A file's own dataset keeps its own Latvian titles: pvkg adds its "… – pakalpojumu portfelis"
title only to a portfolio whose file gives none (audit 6: a second Latvian title appeared)."""

from __future__ import annotations

from pathlib import Path

from rdflib import Literal
from rdflib.namespace import DCTERMS

from loaders import read_portfolio
from pvkg.namespaces import portfolio_iri

FIXTURE = (
    Path(__file__).resolve().parents[1]
    / "shapes/data/rules_audit/c12-labelled-publisher-dataset-manager.ttl"
)


def _titles(text: str) -> set[Literal]:
    loaded = read_portfolio(text.encode("utf-8"), "portfolio.ttl")
    portfolio = portfolio_iri(loaded.institution_id)
    return set(loaded.graph.objects(portfolio, DCTERMS.title))  # type: ignore[arg-type]


def test_the_files_latvian_titles_are_the_only_latvian_titles() -> None:
    text = FIXTURE.read_text(encoding="utf-8").replace(
        'dct:title "Portfelis"@lv', 'dct:title "Portfelis"@lv, "VK pakalpojumi"@lv-LV'
    )
    assert _titles(text) == {
        Literal("Portfelis", lang="lv"),
        Literal("VK pakalpojumi", lang="lv-lv"),
    }


def test_a_dataset_with_only_an_english_title_gets_pvkgs_latvian_title() -> None:
    text = FIXTURE.read_text(encoding="utf-8").replace('"Portfelis"@lv', '"Portfolio"@en')
    assert _titles(text) == {
        Literal("Portfolio", lang="en"),
        Literal("Valsts kanceleja – pakalpojumu portfelis", lang="lv"),
    }

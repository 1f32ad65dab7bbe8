"""Shape test cases: ``cases/<RULE>/valid-*.ttl`` and ``invalid-*.ttl`` patched onto ``base.ttl``.

A case file is Turtle that is *added* to the base portfolio, plus comment directives:

* ``#- <s> <p> <o> .`` removes that triple (N-Triples syntax) from the base first;
* ``#include other-institution.ttl`` adds another fixture file of this folder;
* ``#expect RULE FOCUS-IRI`` one expected Violation/Warning result (rule code and focus).

A ``valid-*`` case expects no Violation or Warning at all (Info hints are allowed); an
``invalid-*`` case expects exactly its ``#expect`` lines, as (rule, focus) pairs, no more.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

HERE = Path(__file__).parent
CASES = HERE / "cases"


@dataclass(frozen=True)
class Case:
    path: Path
    expected: frozenset[tuple[str, str]]

    @property
    def id(self) -> str:
        return f"{self.path.parent.name}/{self.path.stem}"

    @property
    def valid(self) -> bool:
        return self.path.name.startswith("valid-")

    def graph(self) -> Graph:
        text = self.path.read_text(encoding="utf-8")
        graph = Graph().parse(HERE / "base.ttl", format="turtle")
        removals = Graph()
        for line in text.splitlines():
            if line.startswith("#- "):
                removals.parse(data=line[3:], format="nt")
            elif line.startswith("#include "):
                graph.parse(HERE / line.split()[1], format="turtle")
        for triple in removals:
            assert triple in graph, f"{self.path}: removal of a triple not in the base: {triple}"
            graph.remove(triple)
        graph.parse(data=text, format="turtle")
        return graph


def load_cases() -> list[Case]:
    cases = []
    for path in sorted(CASES.glob("*/*.ttl")):
        expected = set()
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("#expect "):
                _, rule, focus = line.split()
                expected.add((rule, focus))
        cases.append(Case(path, frozenset(expected)))
    return cases

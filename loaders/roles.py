"""The ten governance roles (DOMAIN.md §7) as a submitted RDF file may name them.

INTERFACES.md §2: a CPSV-AP file may give a role as our concept IRI or as any concept whose
``skos:notation`` (``ROLE01`` … ``ROLE10``) or Latvian ``skos:prefLabel`` matches ours. The
codes and labels (Latvian and English) are read from ``ontology/roles.ttl``, where they are
written once, so a renamed role needs no change here.

>>> from pvkg.settings import Settings
>>> table = role_table(Settings().ontology_dir)
>>> table.labels["pakalpojumu pārvaldības valsts vadošā iestāde"], table.labels["service owner"]
('ROLE01', 'ROLE05')
>>> len(table.codes)
10
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, ORG, PROV, SKOS

from pvkg.errors import OntologyError
from pvkg.namespaces import CV, ID, PV, ROLE, ROLE_PORTFOLIO_MANAGER, ROLE_SERVICE_MANAGER

# The properties whose object is a role: ORG posts and memberships, CPSV-AP participations,
# DCAT/PROV qualified attributions, and ours (pv:role, "comparable to org:role").
ROLE_PROPERTIES = frozenset({ORG.role, CV.role, DCAT.hadRole, PROV.hadRole, PV.role})

# Names the ontology gives only in prose (pv:postTitle, older slides): the post titles of the
# two manager roles and the older word "pārvaldnieks".
ROLE_SYNONYMS = {
    "pakalpojumu kopuma vadītājs": ROLE_PORTFOLIO_MANAGER,
    "pakalpojumu portfeļa pārvaldnieks": ROLE_PORTFOLIO_MANAGER,
    "pakalpojuma vadītājs": ROLE_SERVICE_MANAGER,
    "pakalpojuma pārvaldnieks": ROLE_SERVICE_MANAGER,
}
LABEL_LANGUAGES = ("lv", "en")


@dataclass(frozen=True)
class RoleTable:
    """Our role codes, and each accepted label (case-folded) with the code it names."""

    codes: frozenset[str]
    labels: dict[str, str]


def role_table(ontology_dir: Path) -> RoleTable:
    """The role codes and labels of ``ontology_dir/roles.ttl`` (read again when it changes).

    Raises:
        OntologyError: the file is missing or names no role (our fault, not the caller's).
    """
    path = Path(ontology_dir) / "roles.ttl"
    try:
        mtime = path.stat().st_mtime
    except OSError:
        raise OntologyError(f"{path}: missing; the role concepts are read from it") from None
    return _read_table(str(path), mtime)


@functools.lru_cache(maxsize=4)
def _read_table(path: str, mtime: float) -> RoleTable:
    """``mtime`` is part of the cache key only: an edited file is read again."""
    graph = Graph().parse(path, format="turtle")
    prefix = f"{ID}{ROLE}/"
    codes: set[str] = set()
    labels = dict(ROLE_SYNONYMS)
    for node, notation in graph.subject_objects(SKOS.notation):
        if not (isinstance(node, URIRef) and str(node) == prefix + str(notation)):
            continue
        codes.add(str(notation))
        for label in graph.objects(node, SKOS.prefLabel):
            if isinstance(label, Literal) and label.language in LABEL_LANGUAGES:
                labels[str(label).strip().casefold()] = str(notation)
    if not codes:
        raise OntologyError(f'{path}: no role concept (<{prefix}CODE> skos:notation "CODE")')
    return RoleTable(frozenset(codes), labels)

"""Benchmark: validate N synthetic services (N/50 institutions, ~2 % injected violations).

Usage: ``python bench/bench_validate.py 1000 10000 50000 [--pyshacl-max 1000]``, or, on the
realistic sets of ``bench/portfolio_gen.py`` (checked against their ``expected.json``):
``python -m bench.portfolio_gen 10k && python -m bench.bench_validate --data 10k``

The data follow docs/MODEL.md §4 (about 14 triples per service). Violations injected, one kind
per 50 services in turn: no manager (C02), a literal status (C07), no type (C09), a duplicate
service id (C21), a unified-register id shared with another institution (C22); and one in 50
institutions lacks a portfolio manager (C12). The fast engine must find exactly those.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections import Counter

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF

from pvkg.namespaces import ADMS, CPSV, CV, PV, concept, institution_iri, scoped_iri
from pvkg.settings import Settings
from pvkg.validation import validate_graph

TYPES = ["ST-PUB-IND", "ST-PUB-GEN", "ST-IA-IND", "ST-IA-SHR"]


def generate(n: int) -> tuple[Graph, Counter[str]]:
    g = Graph()
    expected: Counter[str] = Counter()
    add = g.add
    for i in range(0, n, 50):
        inst_id = f"inst-{i // 50:05d}"
        inst = institution_iri(inst_id)
        portfolio = URIRef(f"{inst}/portfolio")
        add((inst, RDF.type, PV.Institution))
        add((inst, DCTERMS.identifier, Literal(inst_id)))
        add((portfolio, RDF.type, PV.Portfolio))
        add((portfolio, DCTERMS.publisher, inst))
        if (i // 50) % 50 == 7:
            expected["C12"] += 1
        else:
            add((inst, PV.portfolioManager, scoped_iri(inst_id, "person", "pm")))
        for j in range(i, min(i + 50, n)):
            sid = f"S-{j:07d}"
            svc = scoped_iri(inst_id, "service", sid)
            k = j % 250  # one violation of each kind per 250 services = 2 %
            add((svc, RDF.type, PV.Service))
            add((svc, RDF.type, CPSV.PublicService))
            add((svc, DCTERMS.identifier, Literal("S-dup" if k == 3 else sid)))
            add((svc, PV.registerServiceId, Literal(f"R{j:07d}")))
            add((svc, CV.hasCompetentAuthority, inst))
            add((svc, DCTERMS.isPartOf, portfolio))
            add((svc, DCTERMS.title, Literal(f"Pakalpojums {j}", lang="lv")))
            if k != 2:
                add((svc, CV.isClassifiedBy, concept("service-type", TYPES[j % 4])))
            else:
                expected["C09"] += 1
            if k != 1:
                add((svc, ADMS.status, concept("status", "STATUS-PROVISION")))
            else:
                add((svc, ADMS.status, Literal("sniegsana")))
                expected["C07"] += 1
            add((svc, PV.priority, concept("priority", "PRIO-MEDIUM")))
            add((svc, PV.satisfiesNeed, scoped_iri(inst_id, "need", f"n{j % 7}")))
            person = scoped_iri(inst_id, "person", f"p{j % 5}")
            if k != 0:
                add((svc, PV.serviceManager, person))
                add((person, RDF.type, FOAF.Person))
            else:
                expected["C02"] += 1
        # a second service with a duplicate id in the same institution (C21) and a register
        # id shared across institutions (C22), when this block has them
        if n - i > 3 and (i % 250) <= 3 < (i % 250) + 50:
            dup = scoped_iri(inst_id, "service", "S-dup~2")
            for p, o in [
                (RDF.type, PV.Service),
                (DCTERMS.identifier, Literal("S-dup")),
                (CV.hasCompetentAuthority, inst),
                (PV.registerServiceId, Literal(f"R{i:07d}X")),
                (CV.isClassifiedBy, concept("service-type", "ST-PUB-IND")),
                (ADMS.status, concept("status", "STATUS-PLANNING")),
                (PV.satisfiesNeed, scoped_iri(inst_id, "need", "n0")),
                (PV.serviceManager, scoped_iri(inst_id, "person", "p0")),
            ]:
                add((dup, p, o))
            expected["C21"] += 2
    # C22: the first service of every 10th institution reuses the register id of the service
    # 50 positions earlier (another institution)
    for i in range(500, n, 500):
        inst_id = f"inst-{i // 50:05d}"
        svc = scoped_iri(inst_id, "service", f"S-{i:07d}")
        g.remove((svc, PV.registerServiceId, None))
        g.add((svc, PV.registerServiceId, Literal(f"R{i - 50:07d}")))
        expected["C22"] += 2
    return g, expected


def _realistic(size: str, settings: Settings, pyshacl_max: int) -> bool:
    """Validate ``bench/data/<size>/portfolios.nt``; compare with its ``expected.json``."""
    from pathlib import Path

    from bench.checks import compare_results, load_expected, report_pairs

    folder = Path(__file__).parent / "data" / size
    t0 = time.perf_counter()
    data = Graph().parse(folder / "portfolios.nt", format="nt")
    t1 = time.perf_counter()
    expected = load_expected(folder)
    ok = True
    for engine in ("fast", "pyshacl"):
        if engine == "pyshacl" and expected["services"] > pyshacl_max:
            continue
        t2 = time.perf_counter()
        report = validate_graph(data, settings=settings, engine=engine)
        t3 = time.perf_counter()
        same, diff = compare_results(report_pairs(report), expected["results"])
        ok &= same
        print(
            f"{size}: {expected['services']} services, {len(data)} triples, parse {t1 - t0:.1f} s;"
            f" {engine} {t3 - t2:.2f} s, {report.counts}, expected {'OK' if same else diff}",
            flush=True,
        )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sizes", nargs="*", type=int)
    parser.add_argument("--pyshacl-max", type=int, default=1000)
    parser.add_argument("--data", action="append", default=[], help="bench/data/<SIZE> sets")
    args = parser.parse_args()
    settings = Settings()
    ok = True
    for size in args.data:
        ok &= _realistic(size, settings, args.pyshacl_max)
    sizes = args.sizes or ([] if args.data else [1000, 10000])
    for n in sizes:
        t0 = time.perf_counter()
        data, expected = generate(n)
        t1 = time.perf_counter()
        report = validate_graph(data, settings=settings, engine="fast")
        t2 = time.perf_counter()
        found = Counter(r.rule for r in report.results if r.severity != "Info")
        found.pop("C10", None)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        match = found == expected
        ok &= match
        print(
            f"{n:>7} services {len(data):>8} triples: generate {t1 - t0:6.1f} s, "
            f"fast validate {t2 - t1:6.2f} s, results {sum(found.values())}, "
            f"expected {'OK' if match else f'MISMATCH {dict(found)} != {dict(expected)}'}, "
            f"max RSS {rss:.0f} MiB",
            flush=True,
        )
        if n <= args.pyshacl_max:
            t3 = time.perf_counter()
            ref = validate_graph(data, settings=settings, engine="pyshacl")
            t4 = time.perf_counter()
            same = sorted(r.key() for r in ref.results) == sorted(r.key() for r in report.results)
            ok &= same
            print(f"{'':>7} pyshacl {t4 - t3:6.2f} s, same results: {same}", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

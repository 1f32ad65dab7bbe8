"""Realistic synthetic portfolio sets for the benchmark harness, with the expected results.

``python -m bench.portfolio_gen 10k`` writes ``bench/data/10k/``:

* ``csv/<institution>.csv`` and ``xlsx/<institution>.xlsx``: one portfolio per institution, in
  the columns of ``portfolio_example.csv``; N services in N/50 institutions whose sizes follow a
  Zipf law (a few institutions hold most services, many hold a handful), the 14 real ministries
  among them (so rule C14 fires), Latvian institution, service, need and person names, every
  service type, status and priority;
* ``portfolios.ttl`` / ``portfolios.nt``: the same portfolios as pvkg's loaders read them
  (docs/MODEL.md §4), one graph, for the anchors (rdflib, pyshacl, pyoxigraph, Oxigraph server);
* ``single_1000.xlsx``: one institution with 1,000 services (issue 4's 1 s target);
* ``submission.csv``: a 100-service portfolio of a new institution, to submit into the big store;
* ``expected.json``: the injected violations, exactly: for each rule the focus IRIs pvkg must
  report (and the counts the curated queries must return), computed from the generator's own
  choices, never from pvkg's output.

About 2 % of the services break each service rule (C02 missing manager, C02 two managers,
C07 unknown status, C08 unknown priority, C09 no type, C10 no need, C21 repeated id, C22 register
id of another institution's service) and about 2 % of the institutions C01 (two portfolio
managers) and C12 (no portfolio manager); every institution breaks at least one of them only
when the size allows it. The generator is deterministic (fixed seed).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bench.generate import HEADER

DATA_DIR = Path(__file__).parent / "data"
SIZES = {"200": 200, "1k": 1_000, "10k": 10_000, "50k": 50_000, "200k": 200_000}

MINISTRIES = [
    "Aizsardzības ministrija",
    "Ārlietu ministrija",
    "Ekonomikas ministrija",
    "Finanšu ministrija",
    "Iekšlietu ministrija",
    "Izglītības un zinātnes ministrija",
    "Klimata un enerģētikas ministrija",
    "Kultūras ministrija",
    "Labklājības ministrija",
    "Satiksmes ministrija",
    "Tieslietu ministrija",
    "Veselības ministrija",
    "Viedas administrācijas un reģionālās attīstības ministrija",
    "Zemkopības ministrija",
]
PLACES = [
    "Rīgas",
    "Daugavpils",
    "Jelgavas",
    "Jūrmalas",
    "Liepājas",
    "Rēzeknes",
    "Valmieras",
    "Ventspils",
    "Jēkabpils",
    "Ogres",
    "Tukuma",
    "Cēsu",
    "Siguldas",
    "Kuldīgas",
    "Talsu",
    "Bauskas",
    "Dobeles",
    "Madonas",
    "Gulbenes",
    "Alūksnes",
    "Balvu",
    "Ludzas",
    "Krāslavas",
    "Preiļu",
    "Limbažu",
    "Saldus",
    "Smiltenes",
    "Līvānu",
    "Ādažu",
    "Ropažu",
    "Mārupes",
    "Olaines",
    "Salaspils",
    "Ķekavas",
    "Aizkraukles",
    "Varakļānu",
    "Augšdaugavas",
    "Dienvidkurzemes",
    "Valkas",
    "Saulkrastu",
    "Ķeguma",
    "Lielvārdes",
    "Skrundas",
    "Kandavas",
]
REGIONS = ["Kurzemes", "Zemgales", "Vidzemes", "Latgales", "Rīgas reģiona", "Sēlijas"]
DOMAINS = [
    "vides",
    "veselības",
    "izglītības",
    "kultūras",
    "sociālās palīdzības",
    "būvniecības",
    "transporta",
    "nodokļu",
    "zemes",
    "meža",
    "pārtikas",
    "darba",
    "datu",
    "arhīvu",
    "valodas",
    "patērētāju tiesību",
    "ugunsdzēsības",
    "sporta",
    "tūrisma",
    "jūras",
]
KINDS = [
    "valsts pārvalde",
    "inspekcija",
    "dienests",
    "aģentūra",
    "centrs",
    "birojs",
    "reģionālā pārvalde",
    "valsts iestāde",
]
FIRST = [
    ("Ilze", "a"),
    ("Jānis", "s"),
    ("Anna", "a"),
    ("Andris", "s"),
    ("Līga", "a"),
    ("Māris", "s"),
    ("Inese", "a"),
    ("Pēteris", "s"),
    ("Dace", "a"),
    ("Edgars", "s"),
    ("Kristīne", "a"),
    ("Guntis", "s"),
    ("Laura", "a"),
    ("Raimonds", "s"),
    ("Zane", "a"),
    ("Aivars", "s"),
    ("Santa", "a"),
    ("Valdis", "s"),
    ("Ieva", "a"),
    ("Oskars", "s"),
    ("Baiba", "a"),
    ("Artūrs", "s"),
    ("Elīna", "a"),
    ("Kārlis", "s"),
    ("Sanita", "a"),
    ("Uldis", "s"),
]
# (masculine, feminine) surnames
LAST = [
    ("Kalniņš", "Kalniņa"),
    ("Ozols", "Ozola"),
    ("Bērziņš", "Bērziņa"),
    ("Liepiņš", "Liepiņa"),
    ("Jansons", "Jansone"),
    ("Krūmiņš", "Krūmiņa"),
    ("Vītols", "Vītola"),
    ("Zariņš", "Zariņa"),
    ("Ozoliņš", "Ozoliņa"),
    ("Eglītis", "Eglīte"),
    ("Pētersons", "Pētersone"),
    ("Kļaviņš", "Kļaviņa"),
    ("Siliņš", "Siliņa"),
    ("Lapiņš", "Lapiņa"),
    ("Āboliņš", "Āboliņa"),
    ("Grīnbergs", "Grīnberga"),
    ("Balodis", "Balode"),
    ("Zeltiņš", "Zeltiņa"),
    ("Priedītis", "Priedīte"),
    ("Sproģis", "Sproģe"),
    ("Dzenis", "Dzene"),
    ("Celmiņš", "Celmiņa"),
]
ACTIONS = [
    "Atļaujas izsniegšana",
    "Pieteikuma izskatīšana",
    "Reģistrācija",
    "Konsultēšana",
    "Izziņas sagatavošana",
    "Pabalsta piešķiršana",
    "Licences pagarināšana",
    "Uzraudzība",
    "Datu izsniegšana",
    "Sertifikāta izsniegšana",
    "Kompensācijas izmaksa",
    "Pārbaudes veikšana",
    "Apliecības dublikāta izsniegšana",
    "Dokumentu saskaņošana",
    "Koplietošanas platformas uzturēšana",
]
OBJECTS = [
    "būvniecībai",
    "zvejai",
    "transportlīdzeklim",
    "mājas dzīvnieku turēšanai",
    "uzņēmējdarbībai",
    "izglītības iestādei",
    "kultūras pasākumam",
    "zemes gabalam",
    "mežizstrādei",
    "vides piesārņojumam",
    "darba ņēmējiem",
    "pensionāriem",
    "ģimenēm ar bērniem",
    "personām ar invaliditāti",
    "pašvaldību iestādēm",
    "valsts informācijas sistēmām",
    "arhīva dokumentiem",
    "sporta būvēm",
]
NEEDS = [
    "Saņemt atļauju bez liekas birokrātijas",
    "Uzzināt savas tiesības un pienākumus",
    "Saņemt atbalstu grūtā dzīves situācijā",
    "Droši apmainīties ar datiem",
    "Ātri reģistrēt izmaiņas",
    "Saņemt dokumentus elektroniski",
    "Pārliecināties par drošību",
    "Saņemt kompensāciju par zaudējumiem",
    "Piekļūt valsts datiem",
    "Izmantot kopīgu infrastruktūru",
]
STATUSES = ["plānošana", "izstrāde", "ieviešana", "sniegšana", "likvidēšana", "likvidēts"]
STATUS_VARIANTS = {"izstrāde": "izstrādē", "sniegšana": "Sniegšana"}  # accepted inflections
PRIORITIES = ["augsta", "vidēja", "zema", ""]
BAD_STATUS = ["gandrīz gatavs", "pārtraukts?", "testēšana"]
BAD_PRIORITY = ["ļoti augsta", "steidzami", "nav zināms"]
MARKS = ["X", "x", "✓", "1", "jā"]

# the service-level rules: one service in 50 breaks each (2 %); positions in the 50-cycle
SERVICE_RULES = {
    "C02-none": 3,
    "C02-two": 11,
    "C07": 17,
    "C08": 23,
    "C09": 29,
    "C10": 37,
    "C21": 41,  # this service repeats the id of the service before it (both reported)
    "C22": 47,  # this service takes the register id of another institution's service (both)
}
ID = "https://pvkg.lv/id/"


def _slug(text: str) -> str:
    from pvkg.namespaces import slugify

    return slugify(text)


@dataclass
class Institution:
    name: str
    slug: str
    prefix: str
    size: int
    ministry: bool = False
    rows: list[list[str]] = field(default_factory=list)
    service_iris: list[str] = field(default_factory=list)


def _sizes(total: int, count: int, rng: random.Random) -> list[int]:
    """``count`` institution sizes summing to ``total``, Zipf-like (s = 1), each ≥ 1."""
    weights = [1 / (rank + 1) for rank in range(count)]
    scale = (total - count) / sum(weights)
    sizes = [1 + int(w * scale) for w in weights]
    for i in range(total - sum(sizes)):
        sizes[i % count] += 1
    rng.shuffle(sizes)
    return sizes


def _institution_names(count: int) -> list[tuple[str, bool]]:
    names: list[tuple[str, bool]] = [(m, True) for m in MINISTRIES[: max(1, min(14, count // 5))]]
    seen = {n for n, _ in names}
    pools = [
        [f"{p} valstspilsētas pašvaldība" for p in PLACES[:10]]
        + [f"{p} novada pašvaldība" for p in PLACES[10:]],
        [f"Valsts {d} {k}" for d in DOMAINS for k in KINDS],
        [f"{r} {d} {k}" for r in REGIONS for d in DOMAINS for k in KINDS],
    ]
    flat = [n for pool in pools for n in pool]
    i = 0
    while len(names) < count:
        base = flat[i % len(flat)]
        name = base if i < len(flat) else f"{base} {i // len(flat) + 1}. nodaļa"
        i += 1
        if name not in seen:
            seen.add(name)
            names.append((name, False))
    return names


def _person(rng: random.Random) -> str:
    first, ending = rng.choice(FIRST)
    masc, fem = rng.choice(LAST)
    return f"{first} {fem if ending == 'a' else masc}"


def _iri_segment(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="-._~")


def build(total: int, seed: int = 2026) -> tuple[list[Institution], dict]:
    """The institutions with their rows, and the expected results."""
    rng = random.Random(seed)
    count = max(2, total // 50)
    sizes = _sizes(total, count, rng)
    names = _institution_names(count)
    insts: list[Institution] = []
    for (name, ministry), size in zip(names, sizes, strict=True):
        slug = _slug(name)
        prefix = "".join(w[0] for w in name.split() if w[0].isalpha()).upper()[:4] or "I"
        insts.append(Institution(name, slug, f"{prefix}{len(insts):04d}", size, ministry))
    expected: dict[str, list[str]] = defaultdict(list)
    # institution-level rules: ~2 % each, at least one institution each
    n_inst_rule = max(1, round(count * 0.02))
    order = list(range(count))
    rng.shuffle(order)
    no_pm = set(order[:n_inst_rule])
    two_pm = set(order[n_inst_rule : 2 * n_inst_rule])
    register = 0
    k = 0  # position in the 50-service violation cycle, over all services
    pending_c22: list[tuple[int, str, str]] = []  # (institution index, register id, service IRI)
    status_counts: Counter[str] = Counter()
    for index, inst in enumerate(insts):
        inst_iri = f"{ID}institution/{_iri_segment(inst.slug)}"
        pm = _person(rng)
        if index in no_pm:
            pm_cell = ""
            expected["C12"].append(inst_iri)
        elif index in two_pm:
            pm_cell = f"{pm}; {_person(rng)}"
            expected["C01"].append(inst_iri)
        else:
            pm_cell = pm
        if inst.ministry:
            expected["C14"].append(inst_iri)
        managers = [_person(rng) for _ in range(max(1, inst.size // 8))]
        used_ids: list[str] = []
        for j in range(inst.size):
            k += 1
            kind = k % 50
            register += 1
            sid = f"{inst.prefix}-{j + 1:04d}"
            if kind == SERVICE_RULES["C21"] and used_ids:
                sid = used_ids[-1]
            reg = f"{register:06d}"
            marks = ["", "", "", ""]
            marks[rng.randrange(4)] = rng.choice(MARKS)
            if rng.random() < 0.15:
                marks[rng.randrange(4)] = "X"
            status = rng.choices(STATUSES, weights=[10, 15, 10, 50, 10, 5])[0]
            status_cell = STATUS_VARIANTS.get(status, status) if j % 5 == 0 else status
            priority = PRIORITIES[(k + j) % 4]
            manager = rng.choice(managers)
            need = f"{rng.choice(NEEDS)} ({inst.prefix}-{j % 9})"
            local = sid if sid not in used_ids else f"{sid}~{used_ids.count(sid) + 1}"
            service_iri = f"{inst_iri}/service/{_iri_segment(local)}"
            if kind == SERVICE_RULES["C02-none"]:
                manager = ""
                expected["C02"].append(service_iri)
            elif kind == SERVICE_RULES["C02-two"]:
                second = _person(rng)
                while second == manager:  # the same name twice is one manager, not two
                    second = _person(rng)
                manager = f"{manager}; {second}"
                expected["C02"].append(service_iri)
            elif kind == SERVICE_RULES["C07"]:
                status_cell = rng.choice(BAD_STATUS)
                status = status_cell
                expected["C07"].append(service_iri)
            elif kind == SERVICE_RULES["C08"]:
                priority = rng.choice(BAD_PRIORITY)
                expected["C08"].append(service_iri)
            elif kind == SERVICE_RULES["C09"]:
                marks = ["", "", "", ""]
                expected["C09"].append(service_iri)
            elif kind == SERVICE_RULES["C10"]:
                need = ""
                expected["C10"].append(service_iri)
            elif kind == SERVICE_RULES["C21"] and used_ids:
                expected["C21"].append(service_iri)
                first = f"{inst_iri}/service/{_iri_segment(sid)}"
                if first not in expected["C21"]:
                    expected["C21"].append(first)
            elif kind == SERVICE_RULES["C22"]:
                # take the register id of a service of an earlier institution
                donor = next((p for p in pending_c22 if p[0] != index), None)
                if donor is not None:
                    pending_c22.remove(donor)
                    reg = donor[1]
                    expected["C22"].extend([donor[2], service_iri])
            elif kind == 0 and j > 0:
                pending_c22.append((index, reg, service_iri))  # a clean service: donor
            status_counts[status] += 1
            used_ids.append(sid)
            inst.service_iris.append(service_iri)
            inst.rows.append(
                [
                    inst.name,
                    pm_cell,
                    sid,
                    reg,
                    f"{rng.choice(ACTIONS)} {rng.choice(OBJECTS)}",
                    need,
                    *marks,
                    priority,
                    status_cell,
                    manager,
                ]
            )
    expected_doc = {
        "services": total,
        "institutions": count,
        "ministries_with_services": sum(1 for i in insts if i.ministry and i.size),
        "results": {rule: sorted(set(v)) for rule, v in sorted(expected.items())},
        "counts": {rule: len(set(v)) for rule, v in sorted(expected.items())},
        "services_without_manager": len([1 for i in insts for r in i.rows if not r[-1]]),
        "institutions_without_portfolio_manager": len(no_pm),
        "status_counts": dict(status_counts),
        "largest_institution": max(i.size for i in insts),
        "smallest_institution": min(i.size for i in insts),
    }
    return insts, expected_doc


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(rows)


def _write_xlsx(path: Path, rows: list[list[str]]) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Pakalpojumi")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)


def _submission(rng: random.Random) -> tuple[list[list[str]], dict]:
    """A new institution's 100-service portfolio with 2 missing managers and 1 bad status; one
    register id (000001) clashes with a stored service (C22 against the big store)."""
    name = "Sintētiskā iesniedzēju aģentūra"
    slug = _slug(name)
    inst_iri = f"{ID}institution/{slug}"
    rows, exp = [], defaultdict(list)
    for j in range(100):
        sid = f"SUB-{j + 1:03d}"
        iri = f"{inst_iri}/service/{sid}"
        manager = _person(rng)
        status = STATUSES[j % 6]
        reg = f"9{j:05d}"
        if j in (5, 60):
            manager = ""
            exp["C02"].append(iri)
        if j == 33:
            status = "nezināms"
            exp["C07"].append(iri)
        if j == 77:
            reg = "000001"
            exp["C22"].append(iri)  # plus the stored service holding 000001
        marks = ["", "", "", ""]
        marks[j % 4] = "X"
        rows.append(
            [
                name,
                "Pēteris Liepiņš",
                sid,
                reg,
                f"Iesniegtais pakalpojums {j + 1}",
                f"Vajadzība {j % 7}",
                *marks,
                PRIORITIES[j % 4],
                status,
                manager,
            ]
        )
    return rows, {"institution": slug, "results": dict(exp)}


def generate(
    label: str, out: Path | None = None, *, formats: tuple[str, ...] = ("csv", "xlsx")
) -> Path:
    """Write the data set of one size label (``1k``…) and return its directory."""
    total = SIZES[label] if label in SIZES else int(label)
    out = out or DATA_DIR / label
    if (out / "expected.json").is_file():
        return out
    started = time.perf_counter()
    insts, expected = build(total)
    for fmt in formats:
        (out / fmt).mkdir(parents=True, exist_ok=True)
    for inst in insts:
        if "csv" in formats:
            _write_csv(out / "csv" / f"{inst.slug}.csv", inst.rows)
        if "xlsx" in formats:
            _write_xlsx(out / "xlsx" / f"{inst.slug}.xlsx", inst.rows)
    rng = random.Random(7)
    single = build(1000, seed=11)[0]
    one = [row for inst in single for row in inst.rows]
    for row in one:
        row[0], row[1] = "Vienotā testa aģentūra", "Pēteris Liepiņš"
    _write_xlsx(out / "single_1000.xlsx", one)
    sub_rows, sub_expected = _submission(rng)
    _write_csv(out / "submission.csv", sub_rows)
    expected["submission"] = sub_expected
    # the Turtle / N-Triples the anchors load: the portfolios as pvkg's loaders read them
    triples = _write_rdf(out, insts)
    expected["portfolio_triples"] = triples
    (out / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1))
    print(
        f"{label}: {total} services, {len(insts)} institutions "
        f"(largest {expected['largest_institution']}), {triples} triples, "
        f"{time.perf_counter() - started:.1f} s -> {out}",
        file=sys.stderr,
    )
    return out


def _write_rdf(out: Path, insts: list[Institution]) -> int:
    import pyoxigraph as ox

    from loaders import read_portfolio_file

    store = ox.Store()
    quads = []
    for inst in insts:
        loaded = read_portfolio_file(out / "csv" / f"{inst.slug}.csv")
        for s, p, o in loaded.graph:
            quads.append(ox.Quad(_ox(s), _ox(p), _ox(o)))
        if len(quads) > 200_000:
            store.bulk_extend(quads)
            quads = []
    store.bulk_extend(quads)
    prefixes = {
        "pv": "https://pvkg.lv/ontology#",
        "dct": "http://purl.org/dc/terms/",
        "cv": "http://data.europa.eu/m8g/",
        "cpsv": "http://purl.org/vocab/cpsv#",
        "adms": "http://www.w3.org/ns/adms#",
        "foaf": "http://xmlns.com/foaf/0.1/",
        "org": "http://www.w3.org/ns/org#",
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "prov": "http://www.w3.org/ns/prov#",
        "dcat": "http://www.w3.org/ns/dcat#",
    }
    store.dump(
        str(out / "portfolios.ttl"),
        format=ox.RdfFormat.TURTLE,
        from_graph=ox.DefaultGraph(),
        prefixes=prefixes,
    )
    store.dump(
        str(out / "portfolios.nt"), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()
    )
    return len(store)


def _ox(term):  # rdflib term -> pyoxigraph term
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    assert isinstance(term, Literal)
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="+", help="size labels: 1k 10k 50k 200k (or a number)")
    parser.add_argument("--no-xlsx", action="store_true", help="CSV and Turtle only")
    args = parser.parse_args()
    for label in args.sizes:
        generate(label, formats=("csv",) if args.no_xlsx else ("csv", "xlsx"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Fuzzed portfolio files: every loader either reads a file or rejects it with an InputError
whose message names the file; nothing else ever escapes (issue 9, part 1).

Inputs: random bytes under every accepted extension, byte-level mutations of valid CSV, Turtle,
JSON-LD, N-Triples and Excel files, CSV files built from random headers and cells in random
encodings, and workbooks with random cells.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from loaders import read_portfolio
from pvkg.errors import InputError
from pvkg.settings import Settings
from pvkg.store import LocalStore
from tests.reliability.conftest import DEMO, ROOT, count, fuzz_settings

pytestmark = pytest.mark.fuzz

LIMITS = Settings().with_(max_rows=200, max_cell_chars=500, max_upload_bytes=200_000)
STRICT = LocalStore(None)  # parses with every IRI and language-tag check on


def _assert_strictly_valid(text: str) -> None:
    """Text marked ``checked_text`` is stored without the parser's checks: it must pass them."""
    STRICT.load_data(text.encode("utf-8"), "nt", graph="urn:fuzz:strict")
    STRICT.drop_graph("urn:fuzz:strict")


DATA = ROOT / "tests" / "loaders" / "data"
SEEDS = {
    "csv": [
        (DEMO / "izdomata-kulturas-parvalde.csv").read_bytes(),
        (DATA / "portfolio_lv.csv").read_bytes(),
        (DATA / "portfolio_ok.csv").read_bytes(),
    ],
    "ttl": [
        (DATA / "portfolio_cpsv.ttl").read_bytes(),
        (DATA / "cpsv_ap_example.ttl").read_bytes(),
    ],
    "jsonld": [(DATA / "cpsv_ap_example.jsonld").read_bytes()],
    "nt": [(DATA / "portfolio_plain_title.nt").read_bytes()],
}
EXTENSIONS = ["csv", "xlsx", "ttl", "jsonld", "rdf", "nt"]
HEADERS = [
    "institution",
    "portfolio_manager",
    "inst_service_id",
    "register_service_id",
    "service_name_lv",
    "need_lv",
    "type_public_individual_benefit",
    "type_public_general_benefit",
    "priority",
    "status",
    "service_manager",
    "Iestāde",
    "Iestādes pakalpojuma identifikators",
    "Pakalpojuma nosaukums",
    "Statuss",
    "Prioritāte",
    "Pakalpojuma vadītājs",
    "Nr.",
    "sep=;",
]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1257", "latin-1", "utf-32"]
HOSTILE = st.sampled_from(
    [
        "",
        "X",
        "jā",
        "✓",
        "sniegšana",
        "izstrādē",
        "augsta",
        "=cmd|' /C calc'!A0",
        "<script>alert(1)</script>",
        '"; DROP ALL; #',
        "\x00",
        "\ufeff",
        "a\r\nb",
        "𝕏" * 3,
        "x" * 600,
        "Digitālā aģentūra",
        "1e309",
        "../../etc/passwd",
    ]
)
CELL = st.one_of(HOSTILE, st.text(max_size=40))


def _check(data: bytes, filename: str) -> None:
    """Read the file; the only acceptable failure is an InputError naming the file."""
    count("loader")
    try:
        loaded = read_portfolio(data, filename, settings=LIMITS)
    except InputError as err:
        text = str(err)
        assert err.message.strip(), f"empty message for {filename}"
        assert filename in text, f"the message does not name the file: {text[:300]}"
        assert "Traceback" not in text
        return
    assert loaded.institution_id, "a portfolio read without an institution id"
    assert loaded.filename == filename
    if loaded.checked_text:
        _assert_strictly_valid(loaded.graph_nt)
        _assert_strictly_valid(loaded.sources_nt)


def _mutate(data: bytes, edits: list[tuple[int, int, int]]) -> bytes:
    out = bytearray(data)
    for kind, pos, value in edits:
        if not out:
            out.append(value)
            continue
        pos %= len(out)
        if kind == 0:
            out[pos] = value
        elif kind == 1:
            out.insert(pos, value)
        elif kind == 2:
            del out[pos]
        else:
            del out[pos:]
    return bytes(out)


EDITS = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 1 << 20), st.integers(0, 255)),
    min_size=1,
    max_size=8,
)


@fuzz_settings(150)
@given(st.binary(max_size=3000), st.sampled_from(EXTENSIONS))
def test_random_bytes(data: bytes, ext: str) -> None:
    _check(data, f"fuzz.{ext}")


@fuzz_settings(300)
@given(st.sampled_from(sorted(SEEDS)), st.integers(0, 2), EDITS)
def test_mutated_valid_files(ext: str, which: int, edits: list[tuple[int, int, int]]) -> None:
    seeds = SEEDS[ext]
    _check(_mutate(seeds[which % len(seeds)], edits), f"mutated.{ext}")


def test_turtle_with_a_control_character_in_an_iri_is_rejected() -> None:
    text = (
        b"@prefix dcat: <http://www.w3.org/ns/dcat#> .\n"
        b"<urn:p> a dcat:Dataset ; <urn:x> [ a <\\ttp://x/y> ] .\n"
    )
    _check(text, "control.ttl")


@fuzz_settings(200)
@given(
    st.lists(st.one_of(st.sampled_from(HEADERS), st.text(max_size=20)), min_size=0, max_size=8),
    st.lists(st.lists(CELL, min_size=0, max_size=9), max_size=12),
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(ENCODINGS),
)
def test_random_csv(headers: list[str], rows: list[list[str]], sep: str, encoding: str) -> None:
    out = io.StringIO()
    for line in [headers, *rows]:
        out.write(sep.join('"' + c.replace('"', '""') + '"' for c in line) + "\n")
    _check(out.getvalue().encode(encoding, errors="replace"), "random.csv")


def _workbook(rows: list[list[object]], header_block: bool) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Pakalpojumi"
    if header_block:
        sheet.append(["Iestāde", "Izdomātā Kultūras pārvalde"])
        sheet.append(["Pakalpojumu kopuma vadītājs", "Inese Lapa"])
        sheet.append([])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


XLSX_CELL = st.one_of(
    CELL.map(lambda s: "".join(c for c in s if c >= " " or c in "\t\n")),  # openpyxl refuses
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=False),
    st.none(),
    st.booleans(),
)


@fuzz_settings(60)
@given(
    st.lists(st.sampled_from(HEADERS), min_size=1, max_size=8),
    st.lists(st.lists(XLSX_CELL, max_size=9), max_size=8),
    st.booleans(),
)
def test_random_xlsx(headers: list[str], rows: list[list[object]], header_block: bool) -> None:
    _check(_workbook([headers, *rows], header_block), "random.xlsx")


XLSX_SEED = _workbook(
    [
        ["inst_service_id", "institution", "service_name_lv", "status", "service_manager"],
        ["IKP-001", "Izdomātā Kultūras pārvalde", "Konkurss", "sniegšana", "Toms Akmens"],
    ],
    False,
)


def _check_xlsx(data: bytes, filename: str) -> None:
    """:func:`_check` for workbooks: a damaged one must be a SourceSyntaxError like any file."""
    _check(data, filename)


@fuzz_settings(60)
@given(EDITS)
def test_mutated_xlsx_container(edits: list[tuple[int, int, int]]) -> None:
    """Byte edits of the zip container (CRC, compressed stream and directory damage)."""
    _check_xlsx(_mutate(XLSX_SEED, edits), "mutated.xlsx")


def _with_member(member: str, edit: bytes) -> bytes:
    """The seed workbook with one XML member replaced: a well-formed zip, broken XML inside."""
    source = zipfile.ZipFile(io.BytesIO(XLSX_SEED))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for name in source.namelist():
            out.writestr(name, edit if name == member else source.read(name))
    return buffer.getvalue()


BROKEN = b"<?xml version='1.0'?><broken"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(_with_member("docProps/core.xml", BROKEN), id="xml-core"),
        pytest.param(_with_member("xl/workbook.xml", BROKEN), id="xml-workbook"),
        pytest.param(_with_member("xl/worksheets/sheet1.xml", BROKEN), id="xml-sheet"),
    ],
)
def test_damaged_xlsx_is_rejected_with_source_syntax_error(data: bytes) -> None:
    _check(data, "damaged.xlsx")


@fuzz_settings(60)
@given(st.sampled_from(["xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"]), EDITS)
def test_mutated_xlsx_member(member: str, edits: list[tuple[int, int, int]]) -> None:
    """Edits inside one XML member of a well-formed zip."""
    source = zipfile.ZipFile(io.BytesIO(XLSX_SEED))
    if member not in source.namelist():
        member = "xl/worksheets/sheet1.xml"
    _check_xlsx(_with_member(member, _mutate(source.read(member), edits)), "mutated.xlsx")

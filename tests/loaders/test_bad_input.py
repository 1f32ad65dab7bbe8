"""Unreadable files: each is rejected with file and row/column (or line), and stores nothing."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from loaders import read_portfolio, read_portfolio_file
from pvkg.errors import (
    InputError,
    PayloadTooLarge,
    RowError,
    SourceSyntaxError,
    TooDeeplyNested,
    UnsupportedFormat,
)
from pvkg.load_command import load_files
from pvkg.settings import Settings
from pvkg.store import LocalStore

GOOD = "institution,inst_service_id,service_name_lv\nA,S-1,Viens\nA,S-2,Divi\nA,S-3,Trīs\n"
MIXED = (
    b"institution,inst_service_id,service_name_lv\nA,S-1,Viens\n"
    + "A,S-2,Trīs\n".encode("cp1257")
    + "A,S-3,Četri\n".encode()
)


def _garbage() -> bytes:
    rng = random.Random(4)
    return bytes(rng.randrange(256) for _ in range(2000))


# (file name, bytes, settings changes, error class, expected location fields)
CASES = [
    ("garbage.csv", _garbage(), {}, SourceSyntaxError, {"line": 2}),  # its first control byte
    ("mixed.csv", MIXED, {}, SourceSyntaxError, {"line": 3}),
    ("empty.csv", b"", {}, RowError, {"row": 1}),
    ("blank.csv", b" \n\n", {}, RowError, {"row": 1}),
    ("no_id.csv", b"institution,service_name_lv\nA,Viens\n", {}, RowError, {"row": 1}),
    (
        "no_id_value.csv",
        b"institution,inst_service_id\nA,\nA,S-2\n",
        {},
        RowError,
        {"row": 2, "column": "B"},
    ),
    ("syntax.ttl", b"<urn:a> <urn:b> .\n", {}, SourceSyntaxError, {"line": 1}),
    (
        "blank_lines.ttl",  # rdflib's own line count said 7 here
        b"@prefix ex: <http://ex.org/> .\n<urn:a> <urn:b> <urn:c> .\n\n<urn:c> <urn:d>\n",
        {},
        SourceSyntaxError,
        {"line": 4},
    ),
    ("syntax.jsonld", b'{"@id": "urn:a",\n  "x": }', {}, SourceSyntaxError, {"line": 2}),
    (
        "syntax.rdf",
        b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>\n<x",
        {},
        SourceSyntaxError,
        {"line": 2},
    ),
    ("deep.jsonld", b'{"urn:p":' * 20000 + b'"x"' + b"}" * 20000, {}, TooDeeplyNested, {}),
    (
        "deep.ttl",
        b"<urn:a> <urn:b> " + b"[ <urn:c> " * 5000 + b"]" * 5000 + b" .",
        {},
        TooDeeplyNested,
        {},
    ),
    (
        "deep.rdf",  # rdflib would take minutes on 5,000 nested elements
        b'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        b' xmlns:ex="http://ex.org/">\n<rdf:Description rdf:about="http://ex.org/s">'
        + b'<ex:p rdf:parseType="Resource">' * 5000
        + b"</ex:p>" * 5000
        + b"</rdf:Description></rdf:RDF>",
        {},
        TooDeeplyNested,
        {},
    ),
    ("not_a_workbook.xlsx", b"PK\x03\x04 not really", {}, SourceSyntaxError, {}),
    ("rows.csv", GOOD.encode(), {"max_rows": 2}, PayloadTooLarge, {"row": 4}),
    (
        "cell.csv",
        GOOD.replace("Trīs", "x" * 50).encode(),
        {"max_cell_chars": 20},
        PayloadTooLarge,
        {"row": 4, "column": "C"},
    ),
    ("big.csv", GOOD.encode(), {"max_upload_bytes": 10}, PayloadTooLarge, {}),
    # an empty template (audit 4, defect 5): it would replace a portfolio with nothing
    (
        "only_headers.csv",
        b"Iestade;Digitala agentura\ninstitution;inst_service_id;service_name_lv\n;;\n",
        {},
        RowError,
        {"row": 3, "column": "B"},
    ),
    ("portfelis.pdf", b"%PDF-1.4", {}, UnsupportedFormat, {}),
]


@pytest.mark.parametrize(
    ("name", "data", "changes", "error", "where"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_input_is_located(
    name: str, data: bytes, changes: dict, error: type, where: dict
) -> None:
    with pytest.raises(error) as info:
        read_portfolio(data, name, settings=Settings().with_(**changes))
    location = info.value.location
    assert location is not None and location.file == name
    for key, value in where.items():
        assert getattr(location, key) == value, str(info.value)
    assert "Traceback" not in str(info.value)


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\xc7", "a ZIP archive (an Excel .xlsx workbook?)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", "an old Excel .xls or an encrypted workbook"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
        (_garbage(), "binary data, not a CSV text file"),
    ],
)
def test_a_binary_file_named_csv_is_named_for_what_it_is(data: bytes, said: str) -> None:
    with pytest.raises(SourceSyntaxError) as info:
        read_portfolio(data, "portfelis.csv")
    assert said in str(info.value)
    assert "mixes encodings" not in str(info.value)


def test_encrypted_workbook_is_located(data_dir: Path) -> None:
    with pytest.raises(SourceSyntaxError) as info:
        read_portfolio_file(data_dir / "encrypted.xlsx")
    assert info.value.location.file == "encrypted.xlsx"


def test_bad_files_leave_the_store_unchanged(
    tmp_path: Path, settings: Settings, data_dir: Path, capsys
) -> None:
    # Snapshot the ontology and reference data so edits elsewhere cannot change the store.
    for name in ("ontology_dir", "reference_dir"):
        copy = tmp_path / name
        shutil.copytree(getattr(settings, name), copy)
        settings = settings.with_(**{name: copy})
    good = data_dir / "portfolio_ok.csv"
    assert load_files(settings, [good], submitter="test") in (0, 1)
    store = LocalStore(settings.store_path)
    before = store.dump()
    store.close()
    bad_paths = []
    for name, data, _, _, _ in CASES:
        path = tmp_path / name
        path.write_bytes(data)
        bad_paths.append(path)
    bad_paths.append(data_dir / "encrypted.xlsx")
    bad_paths.append(data_dir / "portfolio_syntax_error.ttl")
    for path in bad_paths:
        changes = next((c[2] for c in CASES if c[0] == path.name), {})
        assert load_files(settings.with_(**changes), [path]) == 2, path.name
    store = LocalStore(settings.store_path)
    after = store.dump()
    store.close()
    assert sorted(after.splitlines()) == sorted(before.splitlines())
    err = capsys.readouterr().err
    assert "mixed.csv: NOT stored: mixed.csv:3:" in err


def test_readable_files_are_stored_beside_a_bad_one(
    tmp_path: Path, settings: Settings, data_dir: Path
) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_bytes(b"not turtle at all <")
    assert load_files(settings, [bad, data_dir / "portfolio_ok.csv"]) == 2
    store = LocalStore(settings.store_path)
    try:
        assert any(name.endswith("digitala-agentura/portfolio/v/1") for name in store.graph_names())
    finally:
        store.close()


def test_every_input_error_is_an_input_error() -> None:
    for name, data, changes, _, _ in CASES:
        with pytest.raises(InputError):
            read_portfolio(data, name, settings=Settings().with_(**changes))

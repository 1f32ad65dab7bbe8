"""The HTTP API fuzzed from its own OpenAPI schema: no 5xx, no traceback, every refusal a 4xx
with the JSON error body of INTERFACES.md §6 (issue 9 §1).

A Hypothesis-driven equivalent of schemathesis: every operation of ``app.openapi()`` gets random
path parameters, query parameters (declared ones plus the protocol's: ``query``, ``update``,
``graph``, ``default``, ``filename``), headers (Accept, Content-Type, Authorization) and bodies
(valid and broken SPARQL, RDF, CSV, random bytes).
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from tests.reliability.conftest import ADMIN, DEMO, ROOT, TOKENS, count, fuzz_settings

pytestmark = pytest.mark.fuzz

CURATED = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "queries").glob("*.rq"))]
SPARQL = st.one_of(
    st.sampled_from(
        [
            *CURATED,
            "SELECT * WHERE { ?s ?p ?o } LIMIT 5",
            "ASK { ?s a ?o }",
            "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3",
            "DESCRIBE <https://pvkg.lv/id/role/ROLE05>",
            "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }",
            "SELECT * WHERE { SERVICE <http://[::1]/> { ?s ?p ?o } }",
            "LOAD <http://127.1/x.ttl>",
            "INSERT DATA { <urn:a> <urn:b> 'c' }",
            "DROP ALL",
            "SELECT * WHERE { ?s ?p ?o FILTER(regex(?o, '(a+)+$')) } LIMIT 1",
            "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f } ",
            "SELECT * WHERE { ?s ?p 'x\\u0000' }",
            "PREFIX : <" + "a" * 5000 + "> SELECT * {}",
        ]
    ),
    st.text(max_size=200),
)
RDF_BODY = st.sampled_from(
    [
        b"<urn:a> <urn:b> <urn:c> .",
        b"@prefix : <urn:> . :a :b [ :c ( 1 2 ",
        b'{"@context": {"@vocab": "urn:"}, "a": 1}',
        b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'/>",
        (DEMO / "izdomata-kulturas-parvalde.csv").read_bytes(),
        b"institution,inst_service_id\nIzdomata,\n",
        b"PK\x03\x04broken",
    ]
)
BODY = st.one_of(
    st.none(), RDF_BODY, SPARQL.map(lambda s: s.encode("utf-8", "replace")), st.binary(max_size=400)
)
MEDIA = st.sampled_from(
    [
        None,
        "application/sparql-query",
        "application/sparql-update",
        "application/x-www-form-urlencoded",
        "text/turtle",
        "text/csv",
        "application/ld+json",
        "application/rdf+xml",
        "application/n-triples",
        "multipart/form-data; boundary=xyz",
        "multipart/form-data",
        "text/plain; charset=latin-1",
        "application/octet-stream",
        "garbage",
        "*/*",
    ]
)
ACCEPT = st.sampled_from(
    [
        None,
        "*/*",
        "text/html",
        "application/json",
        "text/csv",
        "application/sparql-results+xml",
        "text/tab-separated-values",
        "application/n-quads",
        "image/png",
        "text/turtle;q=abc, */*;q=0",
        ";;;,,",
    ]
)
AUTH = st.sampled_from(
    [None, f"Bearer {ADMIN}", f"Bearer {next(iter(TOKENS.values()))}", "Bearer x", "Basic Zm9v", ""]
)
INSTITUTIONS = st.one_of(
    st.sampled_from([*TOKENS, "UPPER", "-x", "a" * 200, "%2e%2e", "izdomata-vides-ministrija"]),
    st.text(alphabet="abcdefghij-0123456789/.%", min_size=1, max_size=20),
)
PARAM_VALUES = st.one_of(
    SPARQL,
    st.sampled_from(["urn:x", "https://pvkg.lv/graph/registry", "not an iri", "", "x.csv", "a/b"]),
)
EXTRA_PARAMS = st.dictionaries(
    st.sampled_from(
        [
            "query",
            "update",
            "graph",
            "default",
            "filename",
            "default-graph-uri",
            "named-graph-uri",
            "using-graph-uri",
            "institution",
            "role",
        ]
    ),
    PARAM_VALUES,
    max_size=3,
)


def _operations(client: TestClient) -> list[tuple[str, str, dict]]:
    schema = client.app.openapi()  # type: ignore[attr-defined]
    ops = []
    for path, item in sorted(schema["paths"].items()):
        for method, op in sorted(item.items()):
            if method in ("get", "post", "put", "delete", "head", "patch"):
                ops.append((method.upper(), path, op))
    return ops


def _fill_path(path: str, draw: st.DrawFn) -> str:
    while "{" in path:
        start, end = path.index("{"), path.index("}")
        name = path[start + 1 : end]
        if name == "number":
            value = str(draw(st.integers(-5, 10**20)))
        elif name == "institution":
            value = draw(INSTITUTIONS)
        elif name.startswith("path"):
            value = draw(st.text(alphabet="abc/.-_%?# ", max_size=20))
        else:
            value = draw(st.text(alphabet="abcdefghijklmnopqrstuvwxyz_0123456789", min_size=1))
        path = path[:start] + value.replace("?", "%3F").replace("#", "%23") + path[end + 1 :]
    return path


@st.composite
def requests(draw: st.DrawFn, operations: list) -> dict:
    method, path, op = draw(st.sampled_from(operations))
    params: dict[str, str] = {}
    for parameter in op.get("parameters", []):
        if parameter.get("in") == "query" and draw(st.booleans()):
            params[parameter["name"]] = draw(PARAM_VALUES)
    params.update(draw(EXTRA_PARAMS))
    headers: dict[str, str] = {}
    for name, value in (
        ("Accept", draw(ACCEPT)),
        ("Content-Type", draw(MEDIA)),
        ("Authorization", draw(AUTH)),
    ):
        if value is not None:
            headers[name] = value
    body = draw(BODY) if method in ("POST", "PUT", "PATCH", "DELETE") else None
    if headers.get("Content-Type") == "application/x-www-form-urlencoded" and draw(st.booleans()):
        from urllib.parse import urlencode

        key = draw(st.sampled_from(["query", "update", "x"]))
        body = urlencode({key: draw(SPARQL)}).encode()
    return {
        "method": method,
        "url": _fill_path(path, draw),
        "params": params,
        "headers": headers,
        "content": body,
    }


def check_response(request: dict, status: int, headers: dict, body: bytes) -> None:
    """The contract of every answer, whatever the request."""
    text = body.decode("utf-8", "replace")
    where = f"{request['method']} {request['url']} {request['params']} -> {status}: {text[:300]}"
    assert status < 500, where
    assert "Traceback" not in text and 'File "/' not in text, where
    if status >= 400 and request["method"] != "HEAD":
        assert headers.get("content-type", "").startswith("application/json"), where
        import json

        error = json.loads(body)
        assert set(error) >= {"error", "message", "location"}, where
        assert error["error"] and error["message"], where


def test_schema_lists_the_operations(rel_client: TestClient) -> None:
    paths = {path for _, path, _ in _operations(rel_client)}
    assert {"/sparql", "/sparql/update", "/store", "/portfolios/{institution}"} <= paths


def _run(rel_client: TestClient, data: st.DataObject) -> None:
    request = data.draw(requests(_operations(rel_client)))
    count("api")
    response = rel_client.request(
        request["method"],
        request["url"],
        params=request["params"],
        headers=request["headers"],
        content=request["content"],
    )
    check_response(request, response.status_code, dict(response.headers), response.content)


@fuzz_settings(150)
@given(data=st.data())
def test_api_never_fails_on_random_requests(rel_client: TestClient, data: st.DataObject) -> None:
    _run(rel_client, data)


@pytest.mark.parametrize("url", ["/store/%", "/store/a%20b"])
def test_gsp_direct_write_with_invalid_iri_is_a_400(rel_client: TestClient, url: str) -> None:
    response = rel_client.post(
        url,
        content=b"<urn:a> <urn:b> <urn:c> .",
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {ADMIN}"},
    )
    assert response.status_code == 400, response.text


@pytest.mark.parametrize("method", ["GET", "HEAD", "PUT", "DELETE"])
def test_gsp_direct_path_with_a_non_utf8_escape_is_a_400(
    rel_client: TestClient, method: str
) -> None:
    """``/store/%aa`` decodes to U+FFFD, which no IRI may hold (found by the fuzz test above: a
    store call failed with a 500)."""
    response = rel_client.request(
        method,
        "/store/-/%aac%3F-b",
        content=b"" if method == "PUT" else None,
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {ADMIN}"},
    )
    assert response.status_code == 400, response.text


def _broken_xlsx() -> bytes:
    import io
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["inst_service_id", "institution"])
    book.active.append(["A-1", "Iestāde A"])
    good = io.BytesIO()
    book.save(good)
    source = zipfile.ZipFile(io.BytesIO(good.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            broken = name == "xl/worksheets/sheet1.xml"
            target.writestr(name, b"<broken" if broken else source.read(name))
    return out.getvalue()


def test_broken_workbook_over_http_is_a_400(rel_client: TestClient) -> None:
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = rel_client.post("/validate", content=_broken_xlsx(), headers={"Content-Type": xlsx})
    assert response.status_code == 400, response.text


@pytest.mark.parametrize("key", ["default-graph-uri", "named-graph-uri"])
def test_invalid_dataset_iri_is_a_400(rel_client: TestClient, key: str) -> None:
    response = rel_client.get("/sparql", params={"query": "ASK {}", key: "not an iri"})
    assert response.status_code == 400, response.text

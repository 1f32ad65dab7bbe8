"""The W3C SPARQL 1.1 Protocol (34) and Graph Store Protocol (13) test suites, from their manifests.

Each manifest entry is one pytest case, run against ``create_app`` through Starlette's TestClient
twice: on the embedded store and on a RemoteStore talking to a real ``oxigraph serve`` process.
The runner follows ``data/README.md``: ``/sparql/`` goes to the update URL when the request
carries an update (``application/sparql-update``, ``update=``, ``using-*`` parameters), else to
the query URL; ``/gsp`` goes to ``/store``. Every request carries the admin token.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient
from rdflib import RDF, RDFS, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic

from pvkg.settings import Settings
from pvkg.store import LocalStore, Store
from pvkg.store._remote import RemoteStore
from service import create_app

DATA = Path(__file__).parent / "data"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
TOKEN = "w3c-admin-token"
STATUS = {"OK": {200}, "Created": {201}, "NoContent": {204}, "NotFound": {404}}
RESULT_TYPES = {
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
}
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}


@dataclass
class Step:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[int]
    expected_format: str | None = None
    expected_boolean: bool | None = None
    expected_graph: tuple[str, str] | None = None  # (content type, text)
    expected_content_type: str | None = None
    location_var: str | None = None


@dataclass
class Case:
    name: str
    steps: list[Step]
    graph_data: list[tuple[Path, str]] = field(default_factory=list)


def _statuses(graph: Graph, resp: URIRef) -> set[int]:
    out: set[int] = set()
    for code in graph.objects(resp, MF.expectedStatus):
        local = str(code).rsplit("#", 1)[-1]
        if local.startswith("StatusCode") and local.endswith("xx"):
            first = int(local[len("StatusCode")])
            out.update(range(first * 100, first * 100 + 100))
        else:
            out.update(STATUS[local])
    return out


def _headers(graph: Graph, node: URIRef) -> dict[str, str]:
    headers: dict[str, str] = {}
    for lst in graph.objects(node, HT.headers):
        for header in Collection(graph, lst):
            headers[str(graph.value(header, HT.fieldName)).lower()] = str(
                graph.value(header, HT.fieldValue)
            )
    return headers


def _body(graph: Graph, node: URIRef) -> tuple[bytes, str] | None:
    body = graph.value(node, HT.body)
    if body is None:
        return None
    text = str(graph.value(body, CNT.chars))
    encoding = str(graph.value(body, CNT.characterEncoding) or "UTF-8")
    return text.encode(encoding), text


def load_cases(*names: str) -> list[Case]:
    cases = []
    for name in names:
        graph = Graph().parse(DATA / name, format="turtle")
        manifest = next(graph.subjects(RDF.type, MF.Manifest))
        for entry in Collection(graph, graph.value(manifest, MF.entries)):
            action = graph.value(entry, MF.action)
            steps = []
            for request in Collection(graph, graph.value(action, HT.requests)):
                resp = graph.value(request, HT.resp)
                body = _body(graph, request)
                expected_body = _body(graph, resp)
                resp_headers = _headers(graph, resp)
                boolean = graph.value(resp, MF.expectedBoolean)
                location = graph.value(resp, MF.expectedLocation)
                steps.append(
                    Step(
                        method=str(graph.value(request, HT.methodName)),
                        path=str(graph.value(request, HT.absolutePath)),
                        headers=_headers(graph, request),
                        body=body[0] if body else None,
                        statuses=_statuses(graph, resp),
                        expected_format=(
                            str(graph.value(resp, MF.expectedFormat))
                            if graph.value(resp, MF.expectedFormat)
                            else None
                        ),
                        expected_boolean=None if boolean is None else boolean.toPython(),
                        expected_graph=(
                            (resp_headers.get("content-type", "text/turtle"), expected_body[1])
                            if expected_body
                            else None
                        ),
                        expected_content_type=resp_headers.get("content-type"),
                        location_var=str(location) if location else None,
                    )
                )
            data = [
                (DATA / Path(str(graph.value(gd, UT.graph))).name, str(graph.value(gd, RDFS.label)))
                for gd in graph.objects(entry, UT.graphData)
            ]
            cases.append(Case(str(entry).rsplit("#", 1)[-1], steps, data))
    return cases


PROTOCOL = load_cases("protocol-manifest.ttl")
GSP = load_cases("manifest-direct.ttl", "manifest-indirect.ttl")


def test_suite_sizes() -> None:
    assert len(PROTOCOL) == 34
    assert len(GSP) == 13


@pytest.fixture(params=["local", pytest.param("remote", marks=pytest.mark.remote)])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    if request.param == "local":
        local = LocalStore(None)
        yield local
        local.close()
        return
    url = request.getfixturevalue("oxigraph_url")
    remote = RemoteStore(url, timeout_s=10)
    remote.update("DROP ALL")
    yield remote
    remote.close()


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    settings = Settings().with_(admin_token=TOKEN, query_timeout_s=10.0)
    with TestClient(create_app(settings, store), base_url="http://www.example") as test_client:
        yield test_client


def _is_update(step: Step) -> bool:
    if step.headers.get("content-type", "").startswith("application/sparql-update"):
        return True
    query = step.path.partition("?")[2]
    if any(p in query for p in ("update=", "using-graph-uri", "using-named-graph-uri")):
        return True
    return bool(step.body and step.body.startswith(b"update="))


def _route(step: Step, location: dict[str, str]) -> str:
    path = step.path
    for var, value in location.items():
        path = path.replace(var, value)
    if path.startswith("/sparql/"):
        rest = path[len("/sparql/") :]
        return ("/sparql/update" if _is_update(step) else "/sparql") + rest
    if path.startswith("/gsp"):
        return "/store" + path[len("/gsp") :]
    raise AssertionError(f"unexpected path {path}")


def _boolean(response: object) -> bool:
    media = response.headers["content-type"].split(";")[0]  # type: ignore[attr-defined]
    if "json" in media:
        return bool(json.loads(response.content)["boolean"])  # type: ignore[attr-defined]
    root = ElementTree.fromstring(response.content)  # type: ignore[attr-defined]
    element = root.find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert element is not None
    return element.text == "true"


def _check_format(step: Step, response: object) -> None:
    media = response.headers["content-type"].split(";")[0]  # type: ignore[attr-defined]
    if step.expected_format == "boolean":
        assert media in RESULT_TYPES
        if step.expected_boolean is not None:
            assert _boolean(response) is step.expected_boolean
    elif step.expected_format == "tabular":
        assert media in RESULT_TYPES
    elif step.expected_format == "RDF":
        assert media in RDF_TYPES
        Graph().parse(data=response.content, format=RDF_TYPES[media])  # type: ignore[attr-defined]


def _run(case: Case, client: TestClient, store: Store) -> None:
    for path, graph in case.graph_data:
        store.load_data(path.read_bytes(), "nt", graph=graph)
    location: dict[str, str] = {}
    for index, step in enumerate(case.steps):
        headers = dict(step.headers)
        headers["authorization"] = f"Bearer {TOKEN}"
        if step.body is not None and "content-type" not in headers:
            headers["content-type"] = ""  # the suite means "no media type"
        url = _route(step, location)
        response = client.request(step.method, url, headers=headers, content=step.body)
        where = f"{case.name} step {index + 1}: {step.method} {url}"
        assert response.status_code in step.statuses, (
            f"{where}: status {response.status_code}, expected {sorted(step.statuses)[:3]}…; "
            f"{response.text[:300]}"
        )
        if step.location_var:
            location[step.location_var] = response.headers["location"]
        if step.expected_format:
            _check_format(step, response)
        if step.expected_content_type:
            got = response.headers.get("content-type", "").replace(" ", "").lower()
            assert got == step.expected_content_type.replace(" ", "").lower(), where
        if step.expected_graph and step.method != "HEAD":
            media, text = step.expected_graph
            expected = Graph().parse(data=text, format=RDF_TYPES[media.split(";")[0]])
            got_graph = Graph().parse(data=response.content, format="turtle")
            assert isomorphic(expected, got_graph), f"{where}: graphs differ"


@pytest.mark.parametrize("case", PROTOCOL, ids=[c.name for c in PROTOCOL])
def test_protocol(case: Case, client: TestClient, store: Store) -> None:
    _run(case, client, store)


@pytest.mark.parametrize("case", GSP, ids=[c.name for c in GSP])
def test_graph_store_protocol(case: Case, client: TestClient, store: Store) -> None:
    _run(case, client, store)

"""Limits found over real HTTP (audit 8): big terms, RDF/XML entity expansion, ``Allow``.

* F1: one RDF term over pyoxigraph's 16 MiB token buffer (a body under the 20 MiB limit) is a
  413 JSON error on both stores, and nothing is stored.
* F2: RDF/XML whose entities expand past a small multiple of its size ("billion laughs") is a
  400 SOURCE_SYNTAX on every Graph Store write (PUT, POST, multipart parts), as on /validate.
* F3: a 405 lists in ``Allow`` every method the resource supports (RFC 9110 §15.5.6).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from pvkg.errors import PayloadTooLarge, SourceSyntaxError
from pvkg.nesting import XML_TERM_LIMIT, check_rdfxml_expansion
from pvkg.settings import Settings
from pvkg.store import LocalStore, Store
from pvkg.store._remote import RemoteStore
from service import create_app
from tests.w3c.conftest import running_oxigraph

BIG = "x" * (17 * 1024 * 1024)  # over 16 MiB, under the 20 MiB body limit
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def _laughs(levels: int = 8) -> bytes:
    """10 ** levels characters from a document of about 500 bytes."""
    entities = ['<!ENTITY a0 "aaaaaaaaaa">'] + [
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, levels)
    ]
    return (
        f'<?xml version="1.0"?><!DOCTYPE r [{"".join(entities)}]>'
        f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:e="http://e/">'
        f'<rdf:Description rdf:about="http://a"><e:p>&a{levels - 1};</e:p></rdf:Description>'
        "</rdf:RDF>"
    ).encode()


OWL_WITH_ENTITIES = (
    '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n'
    '  <!ENTITY xsd "http://www.w3.org/2001/XMLSchema#">\n  <!ENTITY ex "http://ex.org/">\n]>\n'
    f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:e="http://ex.org/">\n'
    '  <rdf:Description rdf:about="&ex;s"><e:p rdf:datatype="&xsd;string">v</e:p>'
    "</rdf:Description>\n</rdf:RDF>\n"
).encode()

BIG_BODIES = {
    "application/n-triples": f'<http://s> <http://p> "{BIG}" .\n'.encode(),
    "text/turtle": f'<http://s> <http://p> """{BIG}""" .\n'.encode(),
    "application/ld+json": json.dumps({"@id": "http://s", "http://p": BIG}).encode(),
    "application/rdf+xml": (
        f'<rdf:RDF xmlns:rdf="{RDF_NS}"><rdf:Description rdf:about="http://s">'
        f'<p xmlns="http://x/">{BIG}</p></rdf:Description></rdf:RDF>'
    ).encode(),
}


@pytest.fixture(scope="module")
def oxigraph_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_oxigraph(tmp_path_factory.mktemp("oxigraph-limits")) as url:
        yield url


@pytest.fixture(params=["embedded", pytest.param("remote", marks=pytest.mark.remote)])
def any_client(
    request: pytest.FixtureRequest, service_settings: Settings, tmp_path: Path
) -> Iterator[TestClient]:
    """A client over an empty store of each kind."""
    if request.param == "embedded":
        store: Store = LocalStore(None)
    else:
        store = RemoteStore(request.getfixturevalue("oxigraph_url"), timeout_s=30)
        store.update("DROP ALL")
    with TestClient(create_app(service_settings, store)) as test_client:
        yield test_client
    store.close()


def _assert_nothing_stored(client: TestClient, graph: str) -> None:
    assert client.get("/store", params={"graph": graph}).status_code == 404


# -- F1: one term over 16 MiB ----------------------------------------------------------------


@pytest.mark.parametrize("media", list(BIG_BODIES))
def test_a_term_over_the_limit_is_413(any_client: TestClient, admin: dict, media: str) -> None:
    response = any_client.put(
        "/store",
        params={"graph": "http://big"},
        content=BIG_BODIES[media],
        headers={**admin, "Content-Type": media},
    )
    assert response.status_code == 413, response.text[:300]
    body = response.json()
    assert body["error"] == "TOO_LARGE"
    assert "bytes" in body["message"] and "term" in body["message"]
    _assert_nothing_stored(any_client, "http://big")


def test_a_big_term_posted_in_a_multipart_part_is_413(client: TestClient, admin: dict) -> None:
    response = client.post(
        "/store",
        params={"graph": "http://big"},
        files={"f": ("big.nt", BIG_BODIES["application/n-triples"], "application/n-triples")},
        headers=admin,
    )
    assert response.status_code == 413, response.text[:300]
    _assert_nothing_stored(client, "http://big")


def test_rdfxml_term_limit_is_checked_by_size() -> None:
    text = "y" * (XML_TERM_LIMIT // 2)
    doc = f'<r a="{text}">{text}</r>'.encode()  # no term over the limit, body over it
    check_rdfxml_expansion(doc + b" " * XML_TERM_LIMIT)
    with pytest.raises(PayloadTooLarge):
        check_rdfxml_expansion(f"<r>{text}{text}y</r>".encode())
    with pytest.raises(PayloadTooLarge):
        check_rdfxml_expansion(f'<r a="{text}{text}y"/>'.encode())


# -- F2: RDF/XML entity expansion --------------------------------------------------------------


@pytest.mark.parametrize("method", ["put", "post"])
def test_billion_laughs_is_refused(any_client: TestClient, admin: dict, method: str) -> None:
    response = any_client.request(
        method.upper(),
        "/store",
        params={"graph": "http://laughs"},
        content=_laughs(),
        headers={**admin, "Content-Type": "application/rdf+xml"},
    )
    assert response.status_code == 400, response.text[:300]
    body = response.json()
    assert body["error"] == "SOURCE_SYNTAX"
    assert "entities expand" in body["message"]
    _assert_nothing_stored(any_client, "http://laughs")


def test_billion_laughs_in_a_multipart_part_is_refused(client: TestClient, admin: dict) -> None:
    response = client.post(
        "/store",
        params={"graph": "http://laughs"},
        files={
            "a": ("ok.rdf", OWL_WITH_ENTITIES, "application/rdf+xml"),
            "b": ("laughs.rdf", _laughs(), "application/rdf+xml"),
        },
        headers=admin,
    )
    assert response.status_code == 400, response.text[:300]
    assert response.json()["error"] == "SOURCE_SYNTAX"
    _assert_nothing_stored(client, "http://laughs")


def test_billion_laughs_by_direct_graph_iri_is_refused(client: TestClient, admin: dict) -> None:
    response = client.put(
        "/store/laughs",
        content=_laughs(),
        headers={**admin, "Content-Type": "application/rdf+xml"},
    )
    assert response.status_code == 400, response.text[:300]


def test_rdfxml_with_namespace_entities_still_loads(any_client: TestClient, admin: dict) -> None:
    response = any_client.put(
        "/store",
        params={"graph": "http://owl"},
        content=OWL_WITH_ENTITIES,
        headers={**admin, "Content-Type": "application/rdf+xml"},
    )
    assert response.status_code == 201, response.text[:300]
    got = any_client.get(
        "/store", params={"graph": "http://owl"}, headers={"Accept": "application/n-triples"}
    )
    assert '<http://ex.org/s> <http://ex.org/p> "v"' in got.text


def test_a_malformed_doctype_is_refused_before_pyoxigraph_reads_it() -> None:
    # (pyoxigraph reads a lower-case doctype; expat, which measures the expansion, does not)
    with pytest.raises(SourceSyntaxError):
        check_rdfxml_expansion(_laughs().replace(b"DOCTYPE", b"doctype"))


@pytest.mark.remote
def test_every_store_refuses_laughs_at_load(oxigraph_url: str) -> None:
    """The store layer itself checks, so every load path (federation too) is covered."""
    for store in (LocalStore(None), RemoteStore(oxigraph_url, timeout_s=30)):
        with pytest.raises(SourceSyntaxError):
            store.load_data(_laughs(), "rdfxml", graph="http://laughs")
        with pytest.raises(PayloadTooLarge):
            store.load_data(BIG_BODIES["application/n-triples"], "nt", graph="http://big")
        store.close()


# -- F3: Allow on 405 --------------------------------------------------------------------------

ALLOW = {
    "/sparql": "GET, HEAD, POST",
    "/sparql/update": "POST",
    "/store": "GET, HEAD, POST, PUT, DELETE",
    "/store/some/graph": "GET, HEAD, POST, PUT, DELETE",
}


@pytest.mark.parametrize("path", list(ALLOW))
@pytest.mark.parametrize("method", ["OPTIONS", "PATCH"])
def test_405_lists_every_supported_method(client: TestClient, path: str, method: str) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == ALLOW[path]
    assert response.json()["error"] == "METHOD_NOT_ALLOWED"


@pytest.mark.parametrize("method", ["GET", "HEAD", "PUT", "DELETE"])
def test_update_url_allows_only_post(client: TestClient, method: str) -> None:
    response = client.request(method, "/sparql/update")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


def test_update_sent_to_the_query_url_lists_the_query_methods(client: TestClient) -> None:
    response = client.get("/sparql", params={"update": "CLEAR ALL"})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, POST"


# -- a multipart POST is one change: every part or none ------------------------------------


PARTS_GRAPH = "http://example.org/parts"


def _post_parts(client: TestClient, admin: dict, *parts: tuple[str, bytes, str]) -> Response:
    """POST the parts (file name, body, media type) as one multipart body into PARTS_GRAPH."""
    files = {f"f{i}": part for i, part in enumerate(parts)}
    return client.post("/store", params={"graph": PARTS_GRAPH}, headers=admin, files=files)


def test_a_multipart_post_with_a_broken_part_stores_no_part(
    any_client: TestClient, admin: dict
) -> None:
    response = _post_parts(
        any_client,
        admin,
        ("a.ttl", b"<http://s> <http://p> 1 .", "text/turtle"),
        ("b.ttl", b"<http://s> <http://p> 2", "text/turtle"),  # no final dot
    )
    assert response.status_code == 400, response.text
    assert "part 2 of 2" in response.json()["message"]
    _assert_nothing_stored(any_client, PARTS_GRAPH)


def test_multipart_parts_keep_their_own_blank_nodes(any_client: TestClient, admin: dict) -> None:
    response = _post_parts(
        any_client,
        admin,
        ("a.nt", b'_:x <http://p> "1" .\n', "application/n-triples"),
        ("b.nt", b'_:x <http://p> "2" .\n', "application/n-triples"),
    )
    assert response.status_code == 201, response.text
    body = any_client.get(
        "/store", params={"graph": PARTS_GRAPH}, headers={"Accept": "application/n-triples"}
    ).text
    subjects = {line.split(" ", 1)[0] for line in body.splitlines() if line.strip()}
    assert len(subjects) == 2, body

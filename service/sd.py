"""The SPARQL service description of ``/sparql`` (https://www.w3.org/TR/sparql11-service-description/).

Its ``sd:endpoint`` is the catalogue's ``dcat:endpointURL`` (both are ``<base>/sparql``, the same
base URL: ``PVKG_BASE_URL``, else the URL the client used). It names only the language this
endpoint implements, SPARQL 1.1 Query: updates go to ``/sparql/update`` (``rdfs:seeAlso``), and
``/sparql`` answers an update with 405.
"""

from __future__ import annotations

from pvkg.catalog import sparql_url
from pvkg.settings import Settings
from pvkg.store import LocalStore, rdf_format

_SD = "http://www.w3.org/ns/sparql-service-description#"
_FORMATS = "http://www.w3.org/ns/formats/"


def service_description(base_url: str, media_type: str, settings: Settings) -> bytes:
    """The description as Turtle (or another RDF syntax), built as N-Triples and re-serialised.

    Args:
        base_url: the public base URL (:func:`pvkg.catalog.public_base_url`).
        media_type: an RDF media type.
        settings: the allow-list decides whether federated queries are a feature.
    """
    query_url = sparql_url(base_url)
    update_url = f"{query_url}/update"
    gsp_url = f"{base_url.rstrip('/')}/store"
    s = f"<{query_url}>"
    lines = [
        f"{s} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{_SD}Service> .",
        f"{s} <{_SD}endpoint> <{query_url}> .",
        f"{s} <{_SD}supportedLanguage> <{_SD}SPARQL11Query> .",
        f'{s} <http://purl.org/dc/terms/title> "pvkg SPARQL endpoint"@en .',
        f"{s} <http://www.w3.org/2000/01/rdf-schema#seeAlso> <{update_url}> .",
        f"{s} <http://www.w3.org/2000/01/rdf-schema#seeAlso> <{gsp_url}> .",
    ]
    if settings.service_allowlist:
        lines.append(f"{s} <{_SD}feature> <{_SD}BasicFederatedQuery> .")
    for fmt in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
        "RDF_XML",
    ):
        lines.append(f"{s} <{_SD}resultFormat> <{_FORMATS}{fmt}> .")
    lines.append(f"{s} <{_SD}defaultDataset> <{query_url}#dataset> .")
    lines.append(
        f"<{query_url}#dataset> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{_SD}Dataset> ."
    )
    lines.append(
        f"<{query_url}#dataset> <http://purl.org/dc/terms/description> "
        '"The default graph is the current view: every published graph '
        '(ontology, reference data, registry, current portfolio versions)."@en .'
    )
    scratch = LocalStore(None)
    scratch.load_data("\n".join(lines).encode(), "nt", graph=None)
    return scratch.serialize_graph(None, rdf_format(media_type).name)

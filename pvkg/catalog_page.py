"""The catalogue as a small HTML page, for people who open ``/catalog`` in a browser.

Why: browsers ask for ``text/html`` first and would otherwise get RDF/XML shown as a raw XML
tree. The page lists what the RDF says (datasets, their distributions with links, the SPARQL
service) and links the RDF forms; it is written on the server, with no script, in the style of
the compliance dashboard, under the same Content-Security-Policy.
"""

from __future__ import annotations

import html

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF
from rdflib.term import Node

from pvkg.catalog import catalog_url

IANA = "http://www.iana.org/assignments/media-types/"
RDF_FORMS = (
    ("turtle", "Turtle"),
    ("jsonld", "JSON-LD"),
    ("rdfxml", "RDF/XML"),
    ("nt", "N-Triples"),
)

__all__ = ["catalog_html"]


def _text(graph: Graph, node: Node, prop: URIRef, lang: str) -> str:
    values = [v for v in graph.objects(node, prop) if isinstance(v, Literal)]
    chosen = [v for v in values if v.language == lang] or values
    return str(min(chosen, key=str)) if chosen else ""


def _both(graph: Graph, node: Node, prop: URIRef) -> str:
    """Latvian text with the English beside it (as the other pvkg pages write them)."""
    lv, en = _text(graph, node, prop, "lv"), _text(graph, node, prop, "en")
    if not en or en == lv:
        return html.escape(lv)
    return f"{html.escape(lv)} <span class=en>/ {html.escape(en)}</span>"


def _link(url: Node | None, text: str | None = None) -> str:
    if url is None:
        return "—"
    shown = html.escape(text if text is not None else str(url))
    return f'<a href="{html.escape(str(url), quote=True)}">{shown}</a>'


def _distribution_row(graph: Graph, dist: Node) -> str:
    url = graph.value(dist, DCAT.downloadURL) or graph.value(dist, DCAT.accessURL)
    media = graph.value(dist, DCAT.mediaType)
    shown = str(media).removeprefix(IANA) if media is not None else "SPARQL"
    size = graph.value(dist, DCAT.byteSize)
    size_text = f"{int(size):,}".replace(",", " ") if size is not None else "—"
    conforms = ", ".join(
        html.escape(_text(graph, s, DCTERMS.title, "en") or str(s))
        for s in sorted(graph.objects(dist, DCTERMS.conformsTo), key=str)
    )
    return (
        f"<tr><td>{_both(graph, dist, DCTERMS.title)}</td><td>{html.escape(shown)}</td>"
        f"<td class=num>{size_text}</td><td>{conforms or '—'}</td><td>{_link(url)}</td></tr>"
    )


def _dataset_section(graph: Graph, dataset: Node) -> str:
    publisher = graph.value(dataset, DCTERMS.publisher)
    modified = graph.value(dataset, DCTERMS.modified)
    meta = [html.escape(str(dataset))]
    if publisher is not None:
        meta.append(_both(graph, publisher, FOAF.name))
    if modified is not None:
        meta.append(f"mainīts <span class=en>/ modified</span> {html.escape(str(modified))}")
    rows = "".join(
        _distribution_row(graph, d)
        for d in sorted(graph.objects(dataset, DCAT.distribution), key=str)
    )
    return f"""<section>
<h2>{_both(graph, dataset, DCTERMS.title)}</h2>
<p>{_both(graph, dataset, DCTERMS.description)}</p>
<p class=meta>{" · ".join(meta)}</p>
<table><thead><tr><th>Distribūcija / Distribution</th><th>Formāts / Format</th>
<th>Baiti / Bytes</th><th>Atbilst / Conforms to</th><th>Saite / Link</th></tr></thead>
<tbody>{rows}</tbody></table>
</section>"""


def catalog_html(graph: Graph, base_url: str) -> str:
    """The page for the catalogue ``graph`` whose URLs start with ``base_url``."""
    catalog = URIRef(catalog_url(base_url))
    datasets = sorted(
        graph.objects(catalog, DCAT.dataset),
        key=lambda d: (not any(True for _ in graph.subjects(DCAT.servesDataset, d)), str(d)),
    )
    sections = "".join(_dataset_section(graph, d) for d in datasets)
    services = "".join(
        f"<li>{_both(graph, s, DCTERMS.title)}: {_link(graph.value(s, DCAT.endpointURL))}</li>"
        for s in sorted(graph.objects(catalog, DCAT.service), key=str)
    )
    forms = " · ".join(_link(f"{catalog}?format={name}", label) for name, label in RDF_FORMS)
    return f"""<!doctype html>
<html lang="lv"><head><meta charset="utf-8">
<title>Datu katalogs / Data catalogue — pvkg</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }}
.en {{ color: #666; }} .meta {{ color: #555; font-size: 13px; }}
table {{ border-collapse: collapse; width: 100%; font-size: 14px; margin-bottom: 1.5rem; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: left; }}
td.num {{ text-align: right; }}
</style></head><body>
<h1>{_both(graph, catalog, DCTERMS.title)}</h1>
<p>{_both(graph, catalog, DCTERMS.description)}</p>
<p>DCAT-AP 3.0.1: {forms}. {len(datasets)} datu kopas <span class=en>/ datasets</span>.</p>
<h2>Datu pakalpojumi <span class=en>/ Data services</span></h2>
<ul>{services}</ul>
{sections}
</body></html>"""

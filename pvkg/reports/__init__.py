"""Render a validation :class:`~pvkg.validation.Report` in the formats users ask for.

``json`` is the object of INTERFACES.md §4; ``turtle`` / ``jsonld`` the W3C SHACL validation
report graph itself; ``csv`` one row per result; ``html`` a page for a portfolio manager,
grouped by service, Latvian first with English beside it; ``text`` compiler-style lines.

>>> from rdflib import Graph
>>> from pvkg.validation import Report
>>> import json
>>> json.loads(render(Report(True, "policy", [], Graph()), "json"))["conforms"]
True
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from pvkg.errors import UnsupportedFormat

if TYPE_CHECKING:
    from loaders import LoadedPortfolio
    from pvkg.validation import Report, Result

FORMATS = ("text", "json", "turtle", "jsonld", "csv", "html")
MEDIA_TYPES = {
    "text": "text/plain; charset=utf-8",
    "json": "application/json",
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
}
CSV_COLUMNS = (
    "rule",
    "severity",
    "focus",
    "focus_id",
    "path",
    "value",
    "component",
    "shape",
    "message_lv",
    "message_en",
    "file",
    "sheet",
    "row",
    "column",
    "line",
)

__all__ = ["CSV_COLUMNS", "FORMATS", "MEDIA_TYPES", "render"]


def _json(report: Report) -> bytes:
    return json.dumps(report.to_json(), ensure_ascii=False, indent=2).encode("utf-8")


def _turtle(report: Report) -> bytes:
    return report.graph.serialize(format="turtle").encode("utf-8")


def _jsonld(report: Report) -> bytes:
    context = {"sh": "http://www.w3.org/ns/shacl#", "pv": "https://pvkg.lv/ontology#"}
    return report.graph.serialize(format="json-ld", context=context, indent=2).encode("utf-8")


def _location(result: Result) -> str:
    src = result.source
    if not src:
        return result.focus_id or result.focus
    if "line" in src:
        return str(src["file"]) if src["line"] is None else f"{src['file']}:{src['line']}"
    parts = [str(src["file"])]
    if src.get("sheet"):
        parts.append(str(src["sheet"]))
    if src.get("row") is not None:
        parts.append(str(src["row"]))
    text = ":".join(parts)
    if src.get("column"):
        text += f": column {src['column']}"
    return text


def _short(iri: str | None) -> str:
    if not iri:
        return ""
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


_HASH_SEGMENT = re.compile(r"/[0-9a-f]{32,64}$")


def _shape_name(iri: str | None) -> str:
    """A shape's readable name: its fragment without the content hash some shape files append
    to blank property shapes (CPSV-AP: ``…#PublicServiceShape/8f61…`` → PublicServiceShape)."""
    if not iri:
        return ""
    return _HASH_SEGMENT.sub("", iri.rsplit("#", 1)[-1]).rsplit("/", 1)[-1]


def _text(report: Report) -> bytes:
    out = io.StringIO()
    for r in report.results:
        rule = r.rule or "-"
        value = f" (value: {r.value})" if r.value is not None else ""
        focus = f" [{r.focus_id}]" if r.focus_id else f" [{r.focus}]"
        out.write(
            f"{_location(r)}: {r.severity} {rule}{focus}: {r.message.get('lv', '')}"
            f" / {r.message.get('en', '')}{value}\n"
        )
    c = report.counts
    verdict = "conforms" if report.conforms else "does not conform"
    out.write(
        f"{verdict} (profile {report.profile}): {c['violation']} violation(s), "
        f"{c['warning']} warning(s), {c['info']} info(s)\n"
    )
    return out.getvalue().encode("utf-8")


def _csv(report: Report) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180: a lone CR gets quoted
    writer.writerow(CSV_COLUMNS)
    for r in report.results:
        src = r.source or {}
        writer.writerow(
            [
                r.rule or "",
                r.severity,
                r.focus,
                r.focus_id or "",
                r.path or "",
                r.value if r.value is not None else "",
                r.component,
                r.shape,
                r.message.get("lv", ""),
                r.message.get("en", ""),
                src.get("file", ""),
                src.get("sheet") or "",
                src.get("row") if src.get("row") is not None else "",
                src.get("column") or "",
                src.get("line") if src.get("line") is not None else "",
            ]
        )
    return out.getvalue().encode("utf-8")


_SEVERITY_LV = {"Violation": "Pārkāpums", "Warning": "Brīdinājums", "Info": "Informācija"}
_CSS = """body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}
table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}
td,th{border:1px solid #ccc;padding:.35rem .5rem;vertical-align:top;text-align:left}
.Violation{color:#a40000}.Warning{color:#8a5a00}.Info{color:#005a8a}
.en{color:#555}.ok{color:#226622}"""


def reading_notes(portfolios: Iterable[LoadedPortfolio]) -> list[str]:
    """What the loaders noticed while reading each file (rows skipped, columns kept as
    comments, sheets not read, marks not understood), one line each, starting with the file.

    Why: the command line prints them on stderr, but someone who submits over HTTP sees only
    the answer; the HTML report and the submission's answer carry them.
    """
    return [f"{p.filename}: {warning}" for p in portfolios for warning in p.warnings]


def _html(report: Report) -> bytes:
    e = html.escape
    c = report.counts
    groups: dict[str, list[Result]] = {}
    for r in report.results:
        groups.setdefault(r.focus, []).append(r)
    verdict_lv = "atbilst" if report.conforms else "neatbilst"
    verdict_en = "conforms" if report.conforms else "does not conform"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="lv"><head><meta charset="utf-8">',
        f"<title>Pārbaudes ziņojums / Validation report ({e(report.profile)})</title>",
        f"<style>{_CSS}</style></head><body>",
        '<h1>Pārbaudes ziņojums <span class="en">/ Validation report</span></h1>',
        f'<p class="{"ok" if report.conforms else "Violation"}">Portfelis {verdict_lv} '
        f'<span class="en">/ The portfolio {verdict_en}</span> '
        f"(profils / profile: {e(report.profile)})</p>",
        f"<p>Pārkāpumi / violations: {c['violation']}; brīdinājumi / warnings: {c['warning']}; "
        f"informācija / infos: {c['info']}</p>",
    ]
    if report.reading_notes:
        parts.append(
            "<h2>Piezīmes par faila nolasīšanu "
            '<span class="en">/ Noticed while reading the file</span></h2><ul>'
        )
        parts += [f"<li>{e(note)}</li>" for note in report.reading_notes]
        parts.append("</ul>")

    def file_order(item: tuple[str, list[Result]]) -> tuple[str, int, str]:
        src = item[1][0].source or {}
        where = src.get("row", src.get("line"))
        return (str(src.get("file", "~")), where if isinstance(where, int) else 1 << 30, item[0])

    for focus, results in sorted(groups.items(), key=file_order):
        title = results[0].focus_id or focus
        parts.append(f'<h2>{e(title)} <span class="en">{e(focus)}</span></h2>')
        parts.append(
            "<table><tr><th>Noteikums / Rule</th><th>Nopietnība / Severity</th>"
            "<th>Ziņojums (LV)</th><th>Message (EN)</th><th>Vērtība / Value</th>"
            "<th>Vieta failā / Location</th></tr>"
        )
        for r in results:
            clause = _short(r.path)
            rule = e(r.rule or _short(r.component).removesuffix("ConstraintComponent"))
            policy = e(r.clause or _shape_name(r.shape))
            parts.append(
                f'<tr class="{e(r.severity)}"><td>{rule}<br><small>{policy}</small></td>'
                f"<td>{e(_SEVERITY_LV.get(r.severity, r.severity))} "
                f'<span class="en">/ {e(r.severity)}</span></td>'
                f"<td>{e(r.message.get('lv', ''))}</td>"
                f'<td class="en">{e(r.message.get("en", ""))}</td>'
                f"<td>{e(r.value) if r.value is not None else ''}"
                f"{'<br><small>' + e(clause) + '</small>' if clause else ''}</td>"
                f"<td>{e(_location(r)) if r.source else ''}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts).encode("utf-8")


_RENDERERS: dict[str, Callable[[Report], bytes]] = {
    "text": _text,
    "json": _json,
    "turtle": _turtle,
    "jsonld": _jsonld,
    "csv": _csv,
    "html": _html,
}


def render(report: Report, fmt: str) -> bytes:
    """The report in one of :data:`FORMATS`, as bytes (UTF-8 for text formats).

    Raises:
        UnsupportedFormat: ``fmt`` is not one of :data:`FORMATS`.
    """
    try:
        renderer = _RENDERERS[fmt]
    except KeyError:
        raise UnsupportedFormat(
            f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}"
        ) from None
    return renderer(report)

"""The compliance dashboard: per institution, its current portfolio, rules broken, score and trend.

Everything shown comes from curated queries, so an analyst can reproduce each figure with
``pvkg query``: the JSON (``compliance_data``) from ``compliance_by_institution``,
``governance_score``, ``violations_by_rule``, ``portfolio_overview`` and ``fix_first``; the HTML
page (``dashboard_html``) shows fewer figures per institution and draws its charts from the
totals of ``results_by_rule`` and ``services_by_status`` instead. Charts are inline SVG drawn
here, on the server: the page needs no script and no network.
"""

from __future__ import annotations

import html
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from rdflib import URIRef

from pvkg.curated import find_query, run_curated
from pvkg.namespaces import ID
from pvkg.settings import Settings
from pvkg.store import Store

BANDS = (
    (87.0, "teicami / excellent", "#1a7f37"),
    (55.0, "labi / good", "#4d9e2f"),
    (30.0, "pietiekami / sufficient", "#c98a00"),
    (0.0, "nepietiekami / bad", "#c0392b"),
)


@dataclass
class InstitutionCompliance:
    """One row of the dashboard."""

    institution: str
    institution_id: str
    name: str
    version: int
    services: int
    violations: int
    warnings: int
    conforms: bool
    score: float | None = None
    band: str | None = None
    trend: list[tuple[int, float]] = field(default_factory=list)
    by_type: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    by_rule: list[dict[str, Any]] = field(default_factory=list)
    fix_first: list[dict[str, Any]] = field(default_factory=list)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _rows(store: Store, settings: Settings, name: str, **params: str) -> list[dict[str, Any]]:
    query = find_query(settings.queries_dir, name)
    result = run_curated(store, query, params, timeout_s=settings.query_timeout_s)
    return result.dicts()


# The JSON dashboard: every figure per institution. Longest query first (see _run_all).
_DASHBOARD_QUERIES: dict[str, dict[str, str]] = {
    "portfolio_overview": {},
    "fix_first": {},
    "violations_by_rule": {},
    "governance_score": {"current_only": "false"},
    "compliance_by_institution": {},
}

# The HTML page shows per institution only its figures, score, trend and top fix; its two
# summary charts need totals, which two small queries give (instead of ~12,000 per-institution
# rows of violations_by_rule and portfolio_overview at 1,000 institutions).
_PAGE_QUERIES: dict[str, dict[str, str]] = {
    "fix_first": {},
    "governance_score": {"current_only": "false"},
    "compliance_by_institution": {},
    "services_by_status": {},
    "results_by_rule": {},
    "survey_progress": {},
    "survey_freshness": {},
}


def _run_all(
    store: Store, settings: Settings, queries: dict[str, dict[str, str]]
) -> dict[str, list[dict[str, Any]]]:
    """Run queries two at a time (pyoxigraph releases the GIL while it evaluates), longest first
    as listed, so that the short ones fill in while a long one runs."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {
            name: pool.submit(_rows, store, settings, name, **params)
            for name, params in queries.items()
        }
        return {name: future.result() for name, future in futures.items()}


def _institutions(answer: list[dict[str, Any]]) -> dict[str, InstitutionCompliance]:
    """One row per institution with a current portfolio (``compliance_by_institution``)."""
    rows: dict[str, InstitutionCompliance] = {}
    for r in answer:
        iri = _text(r["institution"])
        rows[iri] = InstitutionCompliance(
            institution=iri,
            institution_id=iri.removeprefix(f"{ID}institution/"),
            name=_text(r["institution_name"]) or iri.rsplit("/", 1)[-1],
            version=int(r["version_number"]),
            services=int(r["services"] or 0),
            violations=int(r["violations"] or 0),
            warnings=int(r["warnings"] or 0),
            conforms=_text(r["conforms"]) == "true",
        )
    return rows


def _add_scores(rows: dict[str, InstitutionCompliance], answer: list[dict[str, Any]]) -> None:
    """Score, band and trend (``governance_score`` with ``current_only=false``)."""
    for r in answer:
        row = rows.get(_text(r["institution"]))
        if row is None:
            continue
        row.trend.append((int(r["version_number"]), float(r["score"])))
        if _text(r["current"]) == "true":
            row.score, row.band = float(r["score"]), _text(r["band"])


def _add_rules(rows: dict[str, InstitutionCompliance], answer: list[dict[str, Any]]) -> None:
    """Results per rule and severity (``violations_by_rule``)."""
    for r in answer:
        row = rows.get(_text(r["institution"]))
        if row is not None:
            row.by_rule.append(
                {
                    "rule": _text(r["rule_code"]),
                    "severity": _text(r["severity"]),
                    "results": int(r["results"]),
                    "label": {"lv": _text(r["rule_lv"]), "en": _text(r["rule_en"])},
                }
            )


def _add_overview(rows: dict[str, InstitutionCompliance], answer: list[dict[str, Any]]) -> None:
    """Services by type and by status, with the concepts' labels (``portfolio_overview``)."""
    for r in answer:
        row = rows.get(_text(r["institution"]))
        if row is not None:
            target = row.by_type if _text(r["dimension"]) == "type" else row.by_status
            target[_text(r["code"])] = int(r["services"])
            if r["label_lv"] is not None:
                row.labels[_text(r["code"])] = f"{r['label_lv']} / {_text(r['label_en'])}"


def _add_fixes(rows: dict[str, InstitutionCompliance], answer: list[dict[str, Any]]) -> None:
    """The rules costing the most points, largest loss first (``fix_first``)."""
    for r in answer:
        row = rows.get(_text(r["institution"]))
        if row is not None:
            row.fix_first.append(
                {
                    "rule": _text(r["rule_code"]),
                    "failing": int(r["failing"]),
                    "points_lost": float(r["points_lost"]),
                    "label": {"lv": _text(r["rule_lv"]), "en": _text(r["rule_en"])},
                }
            )


def _worst_first(rows: dict[str, InstitutionCompliance]) -> list[InstitutionCompliance]:
    return sorted(rows.values(), key=lambda row: (row.score is None, row.score or 0.0, row.name))


def compliance_data(store: Store, settings: Settings) -> list[InstitutionCompliance]:
    """Gather the dashboard rows with every detail, worst score first (the prioritised order)."""
    answers = _run_all(store, settings, _DASHBOARD_QUERIES)
    rows = _institutions(answers["compliance_by_institution"])
    _add_scores(rows, answers["governance_score"])
    _add_rules(rows, answers["violations_by_rule"])
    _add_overview(rows, answers["portfolio_overview"])
    _add_fixes(rows, answers["fix_first"])
    return _worst_first(rows)


def _status_totals(answer: list[dict[str, Any]]) -> dict[str, int]:
    """Services per status label over every current portfolio (``services_by_status``), keyed
    like the per-institution ``labels`` of ``portfolio_overview``: "lv / en", else the code."""
    totals: dict[str, int] = defaultdict(int)
    for r in answer:
        status = r["status"]
        code = _text(status).rsplit("/", 1)[-1] if isinstance(status, URIRef) else _text(status)
        label = code if r["status_lv"] is None else f"{r['status_lv']} / {_text(r['status_en'])}"
        totals[label] += int(r["services"])
    return dict(totals)


def _rule_totals(answer: list[dict[str, Any]]) -> dict[str, int]:
    """Results per "rule (severity)" over every current portfolio (``results_by_rule``)."""
    totals: dict[str, int] = defaultdict(int)
    for r in answer:
        totals[f"{_text(r['rule_code'])} ({_text(r['severity'])})"] += int(r["results"])
    return dict(totals)


def dashboard_html(store: Store, settings: Settings) -> str:
    """The HTML dashboard from the queries its page shows (``_PAGE_QUERIES``), all run in one
    pool: per institution its figures, score, trend and top fix; the charts from totals."""
    answers = _run_all(store, settings, _PAGE_QUERIES)
    rows = _institutions(answers["compliance_by_institution"])
    _add_scores(rows, answers["governance_score"])
    _add_fixes(rows, answers["fix_first"])
    panel = survey_panel_from(answers["survey_progress"], answers["survey_freshness"])
    return render_html(
        _worst_first(rows),
        panels=panel,
        rule_totals=_rule_totals(answers["results_by_rule"]),
        status_totals=_status_totals(answers["services_by_status"]),
    )


def compliance_json(rows: list[InstitutionCompliance]) -> dict[str, Any]:
    """The dashboard as JSON (``GET /compliance`` with ``Accept: application/json``)."""
    return {
        "institutions": [asdict(row) for row in rows],
        "scoring": "ontology/governance-score.ttl; reproduce with `pvkg query governance_score`",
    }


# -- HTML ---------------------------------------------------------------------------------------


def _band_colour(score: float | None) -> str:
    if score is None:
        return "#888"
    return next(colour for floor, _, colour in BANDS if score >= floor)


def bar_chart_svg(title: str, items: list[tuple[str, float]], *, width: int = 420) -> str:
    """A horizontal bar chart as inline SVG (labels escaped)."""
    bar_h, gap, label_w = 18, 6, 190
    height = 28 + max(len(items), 1) * (bar_h + gap)
    top = max((value for _, value in items), default=0) or 1
    parts = [
        f'<svg class="chart" role="img" aria-label="{html.escape(title)}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f'<text x="0" y="16" font-weight="bold" font-size="13">{html.escape(title)}</text>',
    ]
    if not items:
        parts.append('<text x="0" y="40" font-size="12">nav rezultātu / none</text>')
    for i, (label, value) in enumerate(items):
        y = 28 + i * (bar_h + gap)
        length = (width - label_w - 50) * value / top
        parts.append(
            f'<text x="0" y="{y + 13}" font-size="12">{html.escape(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{length:.1f}" height="{bar_h}" fill="#2f6fa7"/>'
            f'<text x="{label_w + length + 4:.1f}" y="{y + 13}" font-size="12">{value:g}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def sparkline_svg(points: list[tuple[int, float]], *, width: int = 90, height: int = 22) -> str:
    """The score over versions as a tiny line (0–100 on the vertical axis)."""
    if len(points) < 2:
        return ""
    step = (width - 4) / (len(points) - 1)
    coords = " ".join(
        f"{2 + i * step:.1f},{height - 2 - (height - 4) * score / 100:.1f}"
        for i, (_, score) in enumerate(sorted(points))
    )
    return (
        f'<svg class="trend" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
        f'<polyline fill="none" stroke="#2f6fa7" stroke-width="1.5" points="{coords}"/></svg>'
    )


def render_html(
    rows: list[InstitutionCompliance],
    *,
    panels: str = "",
    rule_totals: dict[str, int] | None = None,
    status_totals: dict[str, int] | None = None,
) -> str:
    """The dashboard page: summary charts, extra panels (HTML, already escaped), then one row
    per institution, worst first. The rule and status charts sum the rows' ``by_rule`` and
    ``by_status`` unless their totals are given (``dashboard_html`` gets them from queries)."""
    esc = html.escape
    bands: dict[str, int] = defaultdict(int)
    rules: dict[str, int] = defaultdict(int)
    statuses: dict[str, int] = defaultdict(int)
    for row in rows:
        bands[row.band or "nav novērtēts / not scored"] += 1
        for item in row.by_rule:
            rules[f"{item['rule']} ({item['severity']})"] += item["results"]
        for code, count in row.by_status.items():
            statuses[row.labels.get(code, code)] += count
    if rule_totals is not None:
        rules = defaultdict(int, rule_totals)
    if status_totals is not None:
        statuses = defaultdict(int, status_totals)
    charts = "".join(
        [
            bar_chart_svg("Iestādes pēc vērtējuma / Institutions by band", sorted(bands.items())),
            bar_chart_svg("Rezultāti pēc noteikuma / Results by rule", sorted(rules.items())),
            bar_chart_svg("Pakalpojumi pēc statusa / Services by status", sorted(statuses.items())),
        ]
    )
    body_rows = []
    for row in rows:
        top = row.fix_first[0] if row.fix_first else None
        fix = (
            f"{esc(top['rule'])}: {esc(top['label']['lv'])} "
            f"<span class=en>/ {esc(top['label']['en'])}</span> (−{top['points_lost']:g})"
            if top
            else "—"
        )
        score = "—" if row.score is None else f"{row.score:g}"
        body_rows.append(
            "<tr>"
            f'<td><a href="/portfolios/{esc(row.institution_id)}">{esc(row.name)}</a></td>'
            f"<td>{row.version}</td><td>{row.services}</td>"
            f"<td>{row.violations}</td><td>{row.warnings}</td>"
            f'<td><span class="score" style="background:{_band_colour(row.score)}">{score}</span>'
            f" {esc(row.band or '')}</td>"
            f"<td>{sparkline_svg(row.trend)}</td><td>{fix}</td>"
            "</tr>"
        )
    conforming = sum(1 for row in rows if row.conforms)
    return f"""<!doctype html>
<html lang="lv"><head><meta charset="utf-8">
<title>Atbilstības pārskats / Compliance dashboard — pvkg</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }}
.en {{ color: #666; }} .charts {{ display: flex; flex-wrap: wrap; gap: 2rem; margin: 1rem 0; }}
table {{ border-collapse: collapse; width: 100%; font-size: 14px; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: left; }}
.score {{ color: #fff; padding: 1px 6px; border-radius: 3px; font-weight: bold; }}
</style></head><body>
<h1>Pakalpojumu pārvaldības atbilstība <span class=en>/ Service governance compliance</span></h1>
<p>{len(rows)} iestādes ar portfeli, {conforming} bez pārkāpumiem
<span class=en>/ {len(rows)} institutions with a portfolio, {conforming} without Violations</span>.
Vērtējums: <code>pvkg query governance_score</code> <span class=en>/ score: see
<code>ontology/governance-score.ttl</code></span>.</p>
<div class="charts">{charts}</div>
{panels}
<h2>Ko labot vispirms <span class=en>/ What to fix first</span></h2>
<table><thead><tr><th>Iestāde / Institution</th><th>Versija / Version</th>
<th>Pakalpojumi / Services</th><th>Pārkāpumi / Violations</th><th>Brīdinājumi / Warnings</th>
<th>Vērtējums / Score</th><th>Tendence / Trend</th><th>Labot vispirms / Fix first</th></tr></thead>
<tbody>{"".join(body_rows)}</tbody></table>
</body></html>"""


# -- survey panel (issue 7, item 4) -------------------------------------------------------------

SURVEY_COLOURS = (
    ("yes", "jā", "yes", "#2e7d32"),
    ("partly", "daļēji", "partly", "#f9a825"),
    ("no", "nē", "no", "#c62828"),
)


def _number(value: object) -> float:
    try:
        return float(str(value))
    except (TypeError, ValueError):
        return 0.0


def survey_bars_svg(rows: list[dict[str, Any]], *, width: int = 560) -> str:
    """Per-question stacked bars of jā / daļēji / nē shares (``survey_progress`` rows)."""
    esc = html.escape
    bar_h, gap, label_w, top = 16, 6, 60, 30
    bar_w = width - label_w - 10
    height = top + max(len(rows), 1) * (bar_h + gap) + 4
    title = "Aptaujas atbildes pa jautājumiem / Survey answers per question"
    parts = [
        f'<svg class="chart survey" role="img" aria-label="{esc(title)}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f'<text x="0" y="14" font-weight="bold" font-size="13">{esc(title)}</text>',
    ]
    x = label_w
    for _, lv, en, colour in SURVEY_COLOURS:
        parts.append(
            f'<rect x="{x}" y="19" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="28" font-size="11">{esc(lv)} / {esc(en)}</text>'
        )
        x += 110
    if not rows or not any(int(_number(r.get("answered"))) for r in rows):
        parts.append(f'<text x="0" y="{top + 14}" font-size="12">nav atbilžu / no answers</text>')
    for i, row in enumerate(rows):
        y = top + i * (bar_h + gap)
        code = esc(_text(row.get("question_code")))
        tip = f"{_text(row.get('question_lv'))} / {_text(row.get('question_en'))}"
        parts.append(
            f'<g><title>{esc(tip)}</title><text x="0" y="{y + 12}" font-size="12">{code}</text>'
        )
        answered = _number(row.get("answered"))
        x = float(label_w)
        for key, lv, en, colour in SURVEY_COLOURS:
            count = _number(row.get(key))
            share = count / answered if answered else 0.0
            length = bar_w * share
            if length > 0:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{length:.1f}" height="{bar_h}" '
                    f'fill="{colour}"><title>{esc(lv)} / {esc(en)}: {count:g} '
                    f"({100 * share:.1f} %)</title></rect>"
                )
                if length > 24:
                    parts.append(
                        f'<text x="{x + 3:.1f}" y="{y + 12}" font-size="11" fill="#fff">'
                        f"{count:g}</text>"
                    )
            x += length
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def survey_panel_html(store: Store, settings: Settings) -> str:
    """The survey panel: per-question answer shares (SVG) and per-ministry data freshness.

    Reads ``survey_progress`` and ``survey_freshness`` (loaded answers, graph survey-answers).
    """
    return survey_panel_from(
        _rows(store, settings, "survey_progress"), _rows(store, settings, "survey_freshness")
    )


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def days_header(freshness: list[dict[str, Any]]) -> tuple[str, str]:
    """The freshness table's day-count header and the note under the table, both bilingual,
    naming the date the days are counted to (``survey_freshness``'s ``reference_date``).

    Why: the days are counted to the published survey's date (12.01.2026, so that they equal
    VARAM's figures), not to today; a page that said only "days since" made a ten-month-old
    answer look fresh.

    >>> days_header([{"reference_date": "2026-01-12"}])[0]
    'Dienas līdz 12.01.2026 / Days to 12 Jan 2026'
    """
    found = next((_text(r.get("reference_date")) for r in freshness if r.get("reference_date")), "")
    try:
        day = date.fromisoformat(found[:10])
    except ValueError:
        return "Dienas / Days", ""
    lv, en = day.strftime("%d.%m.%Y"), f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
    note = (
        f"Dienas no pēdējās atbildes līdz {lv} (pēc noklusējuma aptaujas datums; līdz šodienai: "
        f"/queries/survey_freshness?today=GGGG-MM-DD) / Days from the last answer to {en} (by "
        "default the survey's date; to count to today: /queries/survey_freshness?today=YYYY-MM-DD)"
    )
    return f"Dienas līdz {lv} / Days to {en}", note


def survey_panel_from(progress: list[dict[str, Any]], freshness: list[dict[str, Any]]) -> str:
    """The survey panel from the rows of ``survey_progress`` and ``survey_freshness``."""
    esc = html.escape
    header, note = days_header(freshness)
    note_html = f'<p class="note"><small>{esc(note)}</small></p>' if note else ""
    questions = "".join(
        f"<tr><td>{esc(_text(r.get('question_code')))}</td>"
        f"<td>{esc(_text(r.get('measure_code')))}</td>"
        f"<td>{esc(_text(r.get('question_lv')))}<br><small>{esc(_text(r.get('question_en')))}"
        f"</small></td><td>{esc(_text(r.get('yes')))}</td><td>{esc(_text(r.get('partly')))}</td>"
        f"<td>{esc(_text(r.get('no')))}</td><td>{esc(_text(r.get('answered')))}</td></tr>"
        for r in progress
    )
    ministries = "".join(
        f"<tr><td>{esc(_text(r.get('ministry_name')) or _text(r.get('ministry_id')))}</td>"
        f"<td>{esc(_text(r.get('last_answer')) or '—')}</td>"
        f"<td>{esc(_text(r.get('days_since')))}</td><td>{esc(_text(r.get('answers')))}</td></tr>"
        for r in freshness
    )
    return (
        '<section class="survey-panel">'
        "<h2>Plāna īstenošanas aptauja <small>/ Plan progress survey</small></h2>"
        f"{survey_bars_svg(progress)}"
        "<details><summary>Jautājumi <small>/ Questions</small></summary>"
        "<table><thead><tr><th>Kods / Code</th><th>Pasākums / Measure</th>"
        "<th>Jautājums / Question</th><th>jā / yes</th><th>daļēji / partly</th>"
        "<th>nē / no</th><th>atbildes / answered</th></tr></thead>"
        f"<tbody>{questions}</tbody></table></details>"
        "<h3>Datu svaigums <small>/ Data freshness</small></h3>"
        "<table><thead><tr><th>Ministrija / Ministry</th>"
        f"<th>Pēdējā atbilde / Last answer</th><th>{esc(header)}</th>"
        "<th>Atbildes / Answers</th></tr></thead>"
        f"<tbody>{ministries}</tbody></table>"
        f"{note_html}</section>"
    )

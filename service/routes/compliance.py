"""``GET /compliance``: every institution's compliance (HTML dashboard; JSON by Accept).

Built on the curated query ``queries/compliance_by_institution.rq`` (the validation summary stored
with each current portfolio version). The page draws its bar chart as inline SVG: no script, no
external assets, so it works offline under the strict Content-Security-Policy.
"""

from __future__ import annotations

import html
import json

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from pvkg.curated import find_query
from service.deps import SettingsDep, StoreDep
from service.media import negotiate

router = APIRouter(tags=["Compliance"])

TYPES = (("text/html", ()), ("application/json", ()))
COLUMNS = (
    "institution",
    "institution_name",
    "version_number",
    "services",
    "violations",
    "warnings",
    "conforms",
    "rules_broken",
)


def _rows(settings: SettingsDep, store: StoreDep) -> list[dict[str, object]]:
    query = find_query(settings.queries_dir, "compliance_by_institution")
    answer = store.query_serialized(
        query.sparql,
        "application/sparql-results+json",
        timeout_s=settings.query_timeout_s,
        max_rows=settings.max_result_rows,
    )
    rows = []
    for binding in json.loads(answer.body)["results"]["bindings"]:
        row: dict[str, object] = {c: binding.get(c, {}).get("value") for c in COLUMNS}
        for key in ("version_number", "services", "violations", "warnings"):
            row[key] = int(str(row[key])) if row[key] is not None else None
        row["conforms"] = None if row["conforms"] is None else row["conforms"] == "true"
        rows.append(row)
    rows.sort(key=lambda r: (-(r["violations"] or 0), str(r["institution_name"] or "")))
    return rows


@router.get(
    "/compliance",
    summary="Compliance of every institution (HTML dashboard, JSON by Accept)",
    response_class=Response,
)
async def compliance(request: Request, settings: SettingsDep, store: StoreDep) -> Response:
    media = negotiate(request.headers.get("accept"), TYPES)
    rows = await run_in_threadpool(_rows, settings, store)
    if media == "application/json":
        return Response(json.dumps({"institutions": rows}, ensure_ascii=False), media_type=media)
    return Response(_page(rows), media_type="text/html; charset=utf-8")


def _bar(value: int, most: int, colour: str) -> str:
    width = 0 if most == 0 else round(160 * value / most)
    return (
        f'<svg width="200" height="14" role="img" aria-label="{value}">'
        f'<rect width="{width}" height="14" fill="{colour}"/>'
        f'<text x="{width + 4}" y="11" font-size="11">{value}</text></svg>'
    )


def _page(rows: list[dict[str, object]]) -> str:
    total = len(rows)
    conforming = sum(1 for r in rows if r["conforms"])
    most = max(
        [int(r["violations"] or 0) for r in rows] + [int(r["warnings"] or 0) for r in rows] + [0]
    )
    body = []
    for r in rows:
        name = html.escape(str(r["institution_name"] or r["institution"]))
        inst_id = html.escape(str(r["institution"]).rsplit("/", 1)[-1])
        status = (
            '<span class="ok">atbilst / conforms</span>'
            if r["conforms"]
            else '<span class="bad">neatbilst / does not conform</span>'
            if r["conforms"] is False
            else "—"
        )
        body.append(
            f'<tr><td><a href="/portfolios/{inst_id}/versions">{name}</a></td>'
            f"<td>{r['version_number'] or ''}</td><td>{r['services'] or 0}</td>"
            f"<td>{_bar(int(r['violations'] or 0), most, '#a4161a')}</td>"
            f"<td>{_bar(int(r['warnings'] or 0), most, '#e09f3e')}</td>"
            f"<td>{status}</td><td>{html.escape(str(r['rules_broken'] or ''))}</td></tr>"
        )
    share = 0 if total == 0 else round(100 * conforming / total)
    return f"""<!doctype html>
<html lang="lv"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Atbilstība — pvkg compliance</title>
<style>
 body {{ font-family: system-ui, sans-serif; max-width: 72rem; margin: 0 auto; padding: 1rem; }}
 table {{ border-collapse: collapse; width: 100%; }}
 th, td {{ border-bottom: 1px solid #dde; padding: .3rem .5rem; text-align: left; }}
 .ok {{ color: #2b7a0b; }} .bad {{ color: #a4161a; font-weight: 600; }}
 .en {{ color: #5a6275; }}
</style></head><body>
<p><a href="/">pvkg</a></p>
<h1>Portfeļu atbilstība <span class="en">/ portfolio compliance</span></h1>
<p>{conforming} no {total} iestādēm atbilst ({share}%).
 <span class="en">{conforming} of {total} institutions conform ({share}%).</span>
 <a href="/queries/compliance_by_institution">JSON</a></p>
<table>
<tr><th>Iestāde <span class="en">/ institution</span></th><th>Versija</th>
<th>Pakalpojumi <span class="en">/ services</span></th>
<th>Pārkāpumi <span class="en">/ violations</span></th>
<th>Brīdinājumi <span class="en">/ warnings</span></th><th>Statuss</th>
<th>Noteikumi <span class="en">/ rules</span></th></tr>
{"".join(body)}
</table></body></html>"""

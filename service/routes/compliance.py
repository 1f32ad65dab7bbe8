"""``GET /compliance``: every institution's compliance (``pvkg.dashboard``).

HTML dashboard (inline SVG charts: no script, no external assets, works offline under the strict
Content-Security-Policy) or JSON by ``Accept``.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from pvkg.dashboard import compliance_data, compliance_json, render_html, survey_panel_html
from service.deps import SettingsDep, StoreDep
from service.media import negotiate

router = APIRouter(tags=["Compliance"])

TYPES = (("text/html", ()), ("application/json", ()))


@router.get(
    "/compliance",
    summary="Compliance of every institution (HTML dashboard, JSON by Accept)",
    response_class=Response,
)
async def compliance(request: Request, settings: SettingsDep, store: StoreDep) -> Response:
    media = negotiate(request.headers.get("accept"), TYPES)
    rows = await run_in_threadpool(compliance_data, store, settings)
    if media == "application/json":
        body = json.dumps(compliance_json(rows), ensure_ascii=False, default=str)
        return Response(body, media_type=media)
    panel = await run_in_threadpool(survey_panel_html, store, settings)
    return Response(render_html(rows, panels=panel), media_type="text/html; charset=utf-8")

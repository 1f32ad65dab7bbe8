"""``GET /compliance``: every institution's compliance (``pvkg.dashboard``).

HTML dashboard (inline SVG charts: no script, no external assets, works offline under the strict
Content-Security-Policy) or JSON by ``Accept``.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from pvkg.dashboard import compliance_data, compliance_json, dashboard_html
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
    if media == "application/json":
        rows = await run_in_threadpool(compliance_data, store, settings)
        body = json.dumps(compliance_json(rows), ensure_ascii=False, default=str)
        return Response(body, media_type=media)
    page = await run_in_threadpool(dashboard_html, store, settings)
    return Response(page, media_type="text/html; charset=utf-8")

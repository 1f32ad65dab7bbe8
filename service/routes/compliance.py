"""``GET /compliance``: the compliance dashboard (HTML with server-drawn charts, or JSON)."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from pvkg.dashboard import compliance_data, compliance_json, render_html
from service.deps import SettingsDep, StoreDep
from service.media import negotiate

router = APIRouter(tags=["Compliance"])
_TYPES = (("text/html", ()), ("application/json", ()))


@router.get(
    "/compliance",
    summary="Compliance of every institution: score, rules broken, trend, what to fix first",
    response_class=Response,
    responses={200: {"description": "HTML dashboard, or JSON with Accept: application/json"}},
)
async def compliance(request: Request, settings: SettingsDep, store: StoreDep) -> Response:
    media = negotiate(request.headers.get("accept"), _TYPES)
    rows = await run_in_threadpool(compliance_data, store, settings)
    if media == "application/json":
        body = json.dumps(compliance_json(rows), ensure_ascii=False).encode("utf-8")
        return Response(body, media_type="application/json")
    return Response(render_html(rows), media_type="text/html; charset=utf-8")

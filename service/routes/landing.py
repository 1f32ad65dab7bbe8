"""``GET /``: the landing page with an offline SPARQL editor (a textarea and ``fetch``)."""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter, Response
from fastapi.responses import HTMLResponse

router = APIRouter(tags=["Landing page"])

_STATIC = resources.files("service") / "static"


@router.get("/", response_class=HTMLResponse, summary="Landing page with a SPARQL editor")
def landing() -> HTMLResponse:
    return HTMLResponse((_STATIC / "index.html").read_text(encoding="utf-8"))


@router.get("/static/editor.js", include_in_schema=False)
def editor_js() -> Response:
    return Response(
        (_STATIC / "editor.js").read_bytes(),
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=300"},
    )

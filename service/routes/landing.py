"""``GET /``: the landing page: YASGUI on ``/sparql`` with the curated queries as examples.

Everything the page needs comes from this server (it works without internet access): YASGUI
is vendored in ``service/static/vendor/yasgui/`` (its README names the package and version) and
served here, gzipped when the browser accepts it and cached for a year under a content-hash URL.
When the bundle does not load, the page keeps its plain editor (``editor.js``: a textarea and
``fetch``). The curated queries of ``queries/`` and the predeclared prefixes are put into the
page as JSON blocks (data, not scripts: the Content-Security-Policy runs only this server's
script files).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import HTMLResponse

from pvkg.curated import list_queries
from pvkg.errors import PvkgError
from pvkg.namespaces import PREFIXES
from pvkg.store._bindings import bind_values
from service.deps import SettingsDep

log = logging.getLogger("pvkg.service")

router = APIRouter(tags=["Landing page"])

_STATIC = resources.files("service") / "static"

# The files the page loads, by URL path under /static/, and their media types.
ASSETS = {
    "editor.js": "text/javascript",
    "landing.js": "text/javascript",
    "vendor/yasgui/yasgui.min.js": "text/javascript",
    "vendor/yasgui/yasgui.min.css": "text/css",
    "vendor/yasgui/LICENSE": "text/plain",
    "vendor/yasgui/THIRD-PARTY-LICENSES.txt": "text/plain",
    # Swagger UI for /docs (routes/docs.py), vendored for the same reason
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "swagger-ui-LICENSE.txt": "text/plain",
}
# An asset asked for with the version the page links (?v=<hash>) never changes under that URL.
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"


@dataclass(frozen=True)
class _Asset:
    body: bytes
    gzipped: bytes
    version: str  # the first 16 hex digits of the body's sha256
    media_type: str

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


@cache
def _asset(name: str) -> _Asset:
    """The file read once per process (the vendored bundle is 1 MB; gzip -9 once, not per hit)."""
    body = _STATIC.joinpath(*name.split("/")).read_bytes()
    return _Asset(
        body=body,
        gzipped=gzip.compress(body, compresslevel=9, mtime=0),
        version=hashlib.sha256(body).hexdigest()[:16],
        media_type=ASSETS[name],
    )


def asset_url(name: str) -> str:
    """``/static/<name>?v=<content hash>``: the URL the page links, new whenever the file is."""
    return f"/static/{name}?v={_asset(name).version}"


def _accepts_gzip(accept_encoding: str) -> bool:
    """``gzip`` (or ``*``) in ``Accept-Encoding`` without ``q=0``."""
    for part in accept_encoding.lower().split(","):
        coding, *params = (item.strip() for item in part.split(";"))
        if coding in ("gzip", "*"):
            for param in params:
                if param.startswith("q="):
                    try:
                        return float(param[2:]) > 0
                    except ValueError:
                        return False
            return True
    return False


def _examples(settings: SettingsDep) -> list[dict[str, str]]:
    """The curated queries as the editor offers them: the text ``GET /queries/{name}`` runs
    without parameters (declared defaults bound)."""
    examples = []
    try:
        queries = list_queries(settings.queries_dir)
    except PvkgError as err:  # a broken query file must not take the landing page down
        log.warning("landing page without curated examples: %s", err)
        return []
    for query in queries:
        try:
            text = bind_values(query.sparql, query.bindings({}))
        except PvkgError:
            text = query.sparql
        examples.append({"name": query.name, "summary": query.summary, "sparql": text})
    return examples


def _json_for_html(data: object) -> str:
    """JSON that cannot end the ``<script type="application/json">`` block it sits in."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@router.get("/", response_class=HTMLResponse, summary="Landing page with a SPARQL editor (YASGUI)")
def landing(settings: SettingsDep) -> HTMLResponse:
    page = (_STATIC / "index.html").read_text(encoding="utf-8")
    for name in ASSETS:
        placeholder = f"{{{{{name}}}}}"
        if placeholder in page:  # (the Swagger UI files are read when /docs first asks)
            page = page.replace(placeholder, asset_url(name))
    page = page.replace("{{examples}}", _json_for_html(_examples(settings)))
    page = page.replace("{{prefixes}}", _json_for_html(PREFIXES))
    page = page.replace("{{prefix_names}}", " ".join(f"{name}:" for name in PREFIXES))
    return HTMLResponse(page)


@router.get("/static/{name:path}", include_in_schema=False)
def static_asset(name: str, request: Request) -> Response:
    """The page's scripts and the vendored YASGUI: gzip by ``Accept-Encoding``, ETag, and a
    year's caching when asked for with the current ``?v=`` (else five minutes)."""
    if name not in ASSETS:
        raise HTTPException(status_code=404, detail=f"no static file {name}")
    asset = _asset(name)
    headers = {
        "Cache-Control": IMMUTABLE if request.query_params.get("v") == asset.version else SHORT,
        "ETag": asset.etag,
        "Vary": "Accept-Encoding",
    }
    if asset.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    body = asset.body
    if _accepts_gzip(request.headers.get("accept-encoding", "")):
        body = asset.gzipped
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type=asset.media_type, headers=headers)

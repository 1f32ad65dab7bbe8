"""``GET /docs``: Swagger UI on the OpenAPI description, from this server's own copy.

Why: FastAPI's stock page loads Swagger UI from a CDN, so it was blank offline and on networks
that block CDNs. The files are vendored in ``service/static/`` (``swagger-ui.README.md`` names
the package, version and sha256 sums) and served by ``landing.static_asset``. The page is
FastAPI's own (``get_swagger_ui_html``); its inline start-up script is allowed by its sha256 in
the page's Content-Security-Policy, so no ``'unsafe-inline'`` script and no outside origin.
"""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse

from service.routes.landing import asset_url

router = APIRouter(include_in_schema=False)

OAUTH2_REDIRECT = "/docs/oauth2-redirect"
DOCS_CSP = (
    "default-src 'self'; script-src 'self' {scripts}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'"
)
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.S)


@router.get("/docs")
def docs(request: Request) -> HTMLResponse:
    root = request.scope.get("root_path", "").rstrip("/")
    page = get_swagger_ui_html(
        openapi_url=root + (request.app.openapi_url or "/openapi.json"),
        title=f"{request.app.title} - Swagger UI",
        swagger_js_url=root + asset_url("swagger-ui-bundle.js"),
        swagger_css_url=root + asset_url("swagger-ui.css"),
        swagger_favicon_url="data:,",
        oauth2_redirect_url=root + OAUTH2_REDIRECT,
        swagger_ui_parameters={"validatorUrl": None},  # (the badge asks validator.swagger.io)
    )
    return with_script_hashes(page)


@router.get(OAUTH2_REDIRECT)
def oauth2_redirect() -> HTMLResponse:
    return with_script_hashes(get_swagger_ui_oauth2_redirect_html())


def with_script_hashes(page: HTMLResponse) -> HTMLResponse:
    """The page with a Content-Security-Policy that runs exactly its own inline scripts."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"
        for script in _INLINE_SCRIPT.findall(bytes(page.body))
    )
    page.headers["Content-Security-Policy"] = DOCS_CSP.format(scripts=hashes)
    return page

"""``GET /health``: whether the server can answer from its store, for load balancers and
process supervisors (200, or the store error's own status, 503 when the store is down)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from starlette.concurrency import run_in_threadpool

from service.deps import StoreDep

router = APIRouter(tags=["Health"])


@router.get(
    "/health",
    summary="200 when the store answers a query; 503 (STORE_UNAVAILABLE) when it does not",
    response_class=Response,
)
@router.head("/health", include_in_schema=False, response_class=Response)
async def health(store: StoreDep) -> Response:
    await run_in_threadpool(store.query, "ASK {}")  # a store error becomes its JSON answer
    return Response(
        '{"status":"ok"}', media_type="application/json", headers={"Cache-Control": "no-store"}
    )

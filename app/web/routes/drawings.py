"""``/api/drawings``: the request owner's drawings, per symbol, kept in the store's database."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.config import get_settings
from app.store import drawings as queries
from app.web.json_body import body_schema, read_model
from app.web.store_deps import Owner, in_session
from app.web.store_schemas import DrawingIn, DrawingOut

router = APIRouter(tags=["store"])
DRAWING_BODY_BYTES = 16_384


@router.post(
    "/api/drawings",
    status_code=201,
    response_model=DrawingOut,
    summary="Save a drawing",
    openapi_extra=body_schema(DrawingIn),
)
async def create_drawing(request: Request, owner: Owner) -> dict[str, object]:
    """201 with the drawing and its ``id``; 422 naming the field at fault; 409 past
    STORE_MAX_DRAWINGS per owner."""
    body = await read_model(request, DrawingIn, DRAWING_BODY_BYTES, "16 KB per drawing")
    return await in_session(
        request, queries.create_drawing, owner, body.fields(), get_settings().store_max_drawings
    )


@router.get("/api/drawings", response_model=list[DrawingOut], summary="The owner's drawings")
async def list_drawings(
    request: Request,
    owner: Owner,
    symbol: Annotated[str | None, Query(max_length=100)] = None,
) -> list[dict[str, object]]:
    """Every drawing of ``symbol`` (any case), oldest first; all of them without ``symbol``."""
    return await in_session(request, queries.list_drawings, owner, symbol)


@router.put(
    "/api/drawings/{drawing_id}",
    response_model=DrawingOut,
    summary="Replace a drawing",
    openapi_extra=body_schema(DrawingIn),
)
async def update_drawing(drawing_id: str, request: Request, owner: Owner) -> dict[str, object]:
    body = await read_model(request, DrawingIn, DRAWING_BODY_BYTES, "16 KB per drawing")
    return await in_session(request, queries.update_drawing, owner, drawing_id[:64], body.fields())


@router.delete("/api/drawings/{drawing_id}", status_code=204, summary="Delete a drawing")
async def delete_drawing(drawing_id: str, request: Request, owner: Owner) -> Response:
    await in_session(request, queries.delete_drawing, owner, drawing_id[:64])
    return Response(status_code=204)

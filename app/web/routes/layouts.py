"""``/api/layouts`` and ``/api/watchlists``: named documents of the request's owner
(``app.store.owner``), kept in the store's database."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from app.config import get_settings
from app.core.errors import ParameterError
from app.store import layouts as queries
from app.web.json_body import body_schema, parse_json_object, read_body, read_model
from app.web.store_deps import Owner, in_session
from app.web.store_schemas import LayoutOut, NamedOut, WatchlistIn, WatchlistOut, check_name

router = APIRouter(tags=["store"])
WATCHLIST_BODY_BYTES = 1_048_576
ANY_OBJECT = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


@router.put(
    "/api/layouts/{name}",
    response_model=LayoutOut,
    summary="Save a layout (any JSON object)",
    openapi_extra=ANY_OBJECT,
)
async def put_layout(name: str, request: Request, owner: Owner) -> dict[str, object]:
    """Create or replace the layout ``name``: any JSON object up to STORE_LAYOUT_MAX_KB
    (413 past it, 422 if not a JSON object); 409 past STORE_MAX_LAYOUTS per owner. Answers
    ``{"name", "updated", "share_id"}``: the layout's read-only link is
    ``/api/shared-layouts/{share_id}``."""
    settings = get_settings()
    check_name(name, "layout")
    raw = await read_body(request, settings.store_layout_max_kb * 1024, "STORE_LAYOUT_MAX_KB")
    parse_json_object(raw)  # 422 unless a JSON object; kept as sent
    return await in_session(
        request, queries.put_layout, owner, name, raw.strip(), settings.store_max_layouts
    )


@router.get("/api/layouts", response_model=list[LayoutOut], summary="The owner's layouts")
async def list_layouts(request: Request, owner: Owner) -> list[dict[str, object]]:
    """``[{"name", "updated"}]`` by name (plus each one's ``share_id``); ``updated`` in UNIX
    seconds."""
    return await in_session(request, queries.list_layouts, owner)


@router.get("/api/shared-layouts/{share_id}", summary="A shared layout, read-only, for anyone")
async def read_shared_layout(share_id: str, request: Request) -> Response:
    """The layout whose ``share_id`` this is, whoever owns it (a layout is also its URL)."""
    body = await in_session(request, queries.get_shared_layout, share_id)
    return Response(body, media_type="application/json")


@router.get("/api/layouts/{name}", summary="A saved layout, as it was saved")
async def get_layout(name: str, request: Request, owner: Owner) -> Response:
    check_name(name, "layout")
    body = await in_session(request, queries.get_layout, owner, name)
    return Response(body, media_type="application/json")


@router.delete("/api/layouts/{name}", status_code=204, summary="Delete a layout")
async def delete_layout(name: str, request: Request, owner: Owner) -> Response:
    check_name(name, "layout")
    await in_session(request, queries.delete_layout, owner, name)
    return Response(status_code=204)


@router.get("/api/watchlists", response_model=list[NamedOut], summary="The owner's watchlists")
async def list_watchlists(request: Request, owner: Owner) -> list[dict[str, object]]:
    return await in_session(request, queries.list_watchlists, owner)


@router.get("/api/watchlists/{name}", response_model=WatchlistOut, summary="A watchlist")
async def get_watchlist(name: str, request: Request, owner: Owner) -> dict[str, object]:
    """``{"name", "symbols": [...], "updated"}``."""
    check_name(name, "watchlist")
    return await in_session(request, queries.get_watchlist, owner, name)


@router.put(
    "/api/watchlists/{name}",
    response_model=WatchlistOut,
    summary="Save a watchlist",
    openapi_extra=body_schema(WatchlistIn),
)
async def put_watchlist(name: str, request: Request, owner: Owner) -> dict[str, object]:
    """``{"symbols": [...]}``: at most STORE_WATCHLIST_MAX_SYMBOLS symbols (duplicates dropped,
    order kept); 409 past STORE_MAX_WATCHLISTS per owner."""
    settings = get_settings()
    check_name(name, "watchlist")
    body = await read_model(request, WatchlistIn, WATCHLIST_BODY_BYTES, "1 MB")
    symbols = list(dict.fromkeys(s.strip() for s in body.symbols if s.strip()))
    cap = settings.store_watchlist_max_symbols
    if len(symbols) > cap:
        raise ParameterError(
            "symbols",
            f"{len(symbols)} symbols is over the cap of {cap} per watchlist "
            "(STORE_WATCHLIST_MAX_SYMBOLS).",
        )
    return await in_session(
        request, queries.put_watchlist, owner, name, symbols, settings.store_max_watchlists
    )


@router.delete("/api/watchlists/{name}", status_code=204, summary="Delete a watchlist")
async def delete_watchlist(name: str, request: Request, owner: Owner) -> Response:
    check_name(name, "watchlist")
    await in_session(request, queries.delete_watchlist, owner, name)
    return Response(status_code=204)

"""The documentation pages, `/docs` (Swagger UI) and `/redoc` (ReDoc), on scripts and
styles the app serves itself: FastAPI's own pages load them from a CDN, so on a machine
without internet they stay blank. The files are those the fastapi-offline package ships,
found on disk and served as they are (the package's code is never imported). This is
FastAPI's recipe for self-hosted docs assets, with the root path its own pages honour."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs/assets"


def add_docs(app: FastAPI) -> None:
    """The two pages and their files, open without a key like the OpenAPI schema they
    render. `app` is made with `docs_url=None, redoc_url=None`, so these are the only ones."""
    files = StaticFiles(packages=[("fastapi_offline", "static")])
    app.mount(ASSETS, files, name="docs-assets")
    app.add_route("/docs", swagger_ui, include_in_schema=False)
    app.add_route("/redoc", redoc, include_in_schema=False)


async def swagger_ui(request: Request) -> HTMLResponse:
    root = _root_path(request)
    return get_swagger_ui_html(
        openapi_url=root + request.app.openapi_url,
        title=f"{request.app.title} - Swagger UI",
        swagger_js_url=f"{root}{ASSETS}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{ASSETS}/swagger-ui.css",
        swagger_favicon_url=f"{root}{ASSETS}/favicon.png",
    )


async def redoc(request: Request) -> HTMLResponse:
    root = _root_path(request)
    return get_redoc_html(
        openapi_url=root + request.app.openapi_url,
        title=f"{request.app.title} - ReDoc",
        redoc_js_url=f"{root}{ASSETS}/redoc.standalone.js",
        redoc_favicon_url=f"{root}{ASSETS}/favicon.png",
        with_google_fonts=False,
    )


def _root_path(request: Request) -> str:
    """The prefix a proxy serves the app under ("" when none), as FastAPI's pages use it."""
    root: str = request.scope.get("root_path", "")
    return root.rstrip("/")

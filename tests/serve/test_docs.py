"""The docs pages without internet: `/docs` and `/redoc` load only files the app serves,
with no key, and headless Chromium cut off from everything but loopback renders every
operation on both."""

from __future__ import annotations

import lxml.html
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from summarizer.extract.pipeline import Summarizer
from summarizer.serve import create_app
from summarizer.settings import Settings
from tests.serve.server import serving
from tests.view.test_browser import chromium, needs_browser

PAGES = ["/docs", "/redoc"]
# Names resolve to nothing but loopback, and whatever is not loopback (an address written
# as digits too) goes to a proxy on a port where nothing listens.
OFFLINE = [
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=127.0.0.1",
]


@pytest.fixture
def app(settings: Settings, summarizer: Summarizer) -> FastAPI:
    """The API with a key configured: the docs must open without it all the same."""
    keyed = settings.model_copy(update={"api_key": SecretStr("docs-test-key")})
    return create_app(keyed, summarizer=summarizer)


def referenced(page: str) -> list[str]:
    """Every address the page loads or links: scripts, styles, icons, the spec."""
    tree = lxml.html.fromstring(page)
    return [str(url) for url in tree.xpath("//@src | //@href | //@spec-url")]


@pytest.mark.parametrize("path", PAGES)
def test_the_docs_pages_load_only_the_apps_own_files_and_need_no_key(
    app: FastAPI, path: str
) -> None:
    with TestClient(app) as client:
        assert client.post("/v1/summaries", json={"text": "x"}).status_code == 401
        page = client.get(path)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        urls = referenced(page.text)
        assert any(url.endswith(".js") for url in urls), urls
        for url in urls:
            assert url.startswith("/") and not url.startswith("//"), url
            assert client.get(url).status_code == 200, url


def rendered_offline(url: str) -> lxml.html.HtmlElement:
    """The DOM of `url` once its scripts ran, in a Chromium that reaches only loopback."""
    dom = chromium(*OFFLINE, "--virtual-time-budget=15000", "--dump-dom", url).stdout
    return lxml.html.fromstring(dom)


def operations(app: FastAPI) -> set[str]:
    paths = set(app.openapi()["paths"])
    assert "/v1/summaries" in paths
    return paths


@needs_browser
def test_swagger_ui_renders_every_operation_offline(app: FastAPI) -> None:
    with serving(app) as base:
        dom = rendered_offline(base + "/docs")
    assert set(dom.xpath("//*[contains(@class, 'opblock-summary-path')]/@data-path")) == (
        operations(app)
    )


@needs_browser
def test_redoc_renders_every_operation_offline(app: FastAPI) -> None:
    with serving(app) as base:
        dom = rendered_offline(base + "/redoc")
    assert dom.xpath("string(//h1)") == "summarizer (1)"  # the spec's title and version
    assert operations(app) <= set(dom.xpath("//span/text()"))


@needs_browser
def test_fastapis_own_docs_page_stays_blank_in_that_browser() -> None:
    """The control: the CDN page that `/docs` was renders nothing there, so the browser
    above really had no internet."""
    cdn = FastAPI()
    cdn.add_api_route("/v1/summaries", lambda: {}, methods=["POST"])
    with serving(cdn) as base:
        dom = rendered_offline(base + "/docs")
    assert dom.xpath("//*[@id='swagger-ui']") and not dom.xpath("//@data-path")

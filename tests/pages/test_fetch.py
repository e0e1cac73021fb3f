from collections.abc import Iterator

import pytest

from summarizer.core import ArticleRequest, InputError, InputTooLarge
from summarizer.pages import FetchFailed, Limits, read
from summarizer.pages.fetch import fetch
from tests.pages.server import CA, TLS_HOST, Seen, Site, serving

LOCAL = Limits(timeout=1.0, max_bytes=200_000, allow_private=True)
GUARDED = Limits(timeout=1.0, max_bytes=200_000, allow_private=False)
PUBLIC = "93.184.216.34"  # a global address; no test reaches it (no network, or no server)


class Answers:
    """A resolver with set answers: the first list for the first lookup, the second for
    the second, and so on (the last one repeated), noting each name it is asked."""

    def __init__(self, *answers: list[str]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    def __call__(self, host: str) -> list[str]:
        self.asked.append(host)
        return self.answers[min(len(self.asked), len(self.answers)) - 1]


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    with serving() as served:
        yield served.base


@pytest.fixture
def fresh() -> Iterator[Site]:
    """A server of its own, for a test that checks every request it got (or none)."""
    with serving() as served:
        yield served


def test_a_page_is_fetched_read_and_dated(site: str) -> None:
    request = read(ArticleRequest(url=f"{site}/article", fetch=True), LOCAL)
    assert request.text and "Pezeshkian" in request.text and not request.fetch
    assert request.published_at is not None and request.title
    assert request.url == f"{site}/article"  # the caller's url stays; the page's fills gaps


def test_redirects_are_followed_and_bounded(site: str) -> None:
    assert fetch(f"{site}/moved", LOCAL).url == f"{site}/article"
    with pytest.raises(FetchFailed, match="more than 5 redirects"):
        fetch(f"{site}/loop", LOCAL)


@pytest.mark.parametrize(
    ("path", "error", "message"),
    [
        ("/missing", FetchFailed, "answered HTTP 404"),
        ("/data", FetchFailed, "not an HTML page .content type 'application/json'"),
        ("/slow", FetchFailed, "did not answer in 1 s"),
        ("/big", InputTooLarge, "over the limit of 200,000"),
    ],
)
def test_a_url_that_is_not_a_usable_page_is_a_clear_error(
    site: str, path: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        fetch(f"{site}{path}", LOCAL)


def test_a_page_with_no_main_text_is_a_clear_error(site: str) -> None:
    with pytest.raises(InputError, match="no main text"):
        read(ArticleRequest(url=f"{site}/empty", fetch=True), LOCAL)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x",
        "http://localhost/x",
        "http://10.0.0.8/x",
        "http://169.254.169.254/latest",
        "http://[::1]/x",
    ],
)
def test_internal_addresses_are_refused_unless_allowed(url: str) -> None:
    with pytest.raises(FetchFailed, match="private, loopback or link-local"):
        fetch(url, Limits(timeout=1.0, max_bytes=1000, allow_private=False))


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/a", "gopher://x"])
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(FetchFailed, match="only http and https"):
        fetch(url, LOCAL)


def test_a_name_answering_loopback_when_asked_again_is_never_connected_to(fresh: Site) -> None:
    # DNS rebinding: public when checked, loopback when the client would look it up again.
    rebinding = Answers([PUBLIC], ["127.0.0.1"])
    with pytest.raises(FetchFailed, match=r"could not be fetched|did not answer"):
        fetch(f"http://rebind.example:{fresh.port}/article", GUARDED, rebinding)
    assert rebinding.asked == ["rebind.example"]  # once: the check's answer is the one used
    assert fresh.seen == []


@pytest.mark.parametrize(
    "answers",
    [
        [PUBLIC, "127.0.0.1"],
        [PUBLIC, "::1"],
        ["::ffff:127.0.0.1"],  # IPv4-mapped: the IPv4 address it reaches is what counts
        ["::ffff:169.254.169.254"],
        ["fe80::1"],
        ["10.1.2.3", PUBLIC],
    ],
)
def test_every_answer_is_checked(fresh: Site, answers: list[str]) -> None:
    with pytest.raises(FetchFailed, match=r"news\.example is a private, loopback or link-local"):
        fetch(f"http://news.example:{fresh.port}/article", GUARDED, Answers(answers))
    assert fresh.seen == []


@pytest.mark.parametrize(
    "answers",
    [
        ["127.0.0.1"],
        ["::ffff:127.0.0.1"],
        ["::1", "127.0.0.1"],  # nothing listens on ::1: the next checked address is tried
    ],
)
def test_a_fetch_connects_to_the_checked_address_under_the_host_name(
    fresh: Site, answers: list[str]
) -> None:
    url = f"http://news.example:{fresh.port}/article"
    assert fetch(url, LOCAL, Answers(answers)).url == url
    assert fresh.seen == [Seen("/article", f"news.example:{fresh.port}")]


def test_each_redirect_hop_is_resolved_and_checked_again(fresh: Site) -> None:
    resolve = Answers(["127.0.0.1"])
    fetched = fetch(f"http://news.example:{fresh.port}/moved", LOCAL, resolve)
    assert fetched.url == f"http://news.example:{fresh.port}/article"
    assert resolve.asked == ["news.example", "news.example"]
    assert [seen.host for seen in fresh.seen] == [f"news.example:{fresh.port}"] * 2


def test_tls_checks_the_certificate_for_the_host_name_not_the_address(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(CA))  # how an operator trusts a private CA
    to_loopback = Answers(["127.0.0.1"])
    with serving(tls=True) as tls:
        url = f"https://{TLS_HOST}:{tls.port}/article"
        assert fetch(url, LOCAL, to_loopback).url == url
        with pytest.raises(FetchFailed, match=r"not valid for 'other\.example'"):
            fetch(f"https://other.example:{tls.port}/article", LOCAL, to_loopback)
    assert tls.seen == [Seen("/article", f"{TLS_HOST}:{tls.port}")]


def test_proxies_from_the_environment_are_not_used(
    fresh: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A proxy would connect on the fetch's behalf, wherever it resolves the name to.
    with serving() as proxy:
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
            monkeypatch.setenv(name, proxy.base)
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        fetch(f"http://news.example:{fresh.port}/article", LOCAL, Answers(["127.0.0.1"]))
    assert proxy.seen == []
    assert len(fresh.seen) == 1


def test_a_url_that_does_not_parse_is_a_clear_error() -> None:
    with pytest.raises(FetchFailed, match="not a valid URL"):
        fetch("http://[::1", LOCAL)

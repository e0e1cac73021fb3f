from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.core import ArticleRequest, DraftRecord
from summarizer.extract.article import Article, build_article
from summarizer.extract.cache import RecordCache
from summarizer.extract.pipeline import Summarizer
from summarizer.extract.prompts import load_prompts
from summarizer.settings import Settings
from tests.fakes import FakeProvider
from tests.paths import CORPUS, RECORDINGS


def corpus_article(article_id: str) -> Article:
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    entry = next(a for a in manifest["articles"] if a["id"] == article_id)
    text = (CORPUS / entry["file"]).read_text(encoding="utf-8")
    request = ArticleRequest(text=text, published_at=entry["published_at"], id=article_id)
    return build_article(request, max_chars=100_000)


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's environment, .env or real cache; each runs outside the
    checkout, as an installed package does, and replay answers from the checkout's set."""
    for name in (
        "SUMMARIZER_PROVIDER",
        "SUMMARIZER_MODEL",
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "SUMMARIZER_RECORD_DIR",
        "SUMMARIZER_LOCAL_MODEL_PATH",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SUMMARIZER_RECORDINGS_DIR", str(RECORDINGS))
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(cache_dir=tmp_path / "cache")


@pytest.fixture
def article_000() -> Article:
    return corpus_article("000")


@pytest.fixture
def draft_000() -> DraftRecord:
    """A hand-written answer for article 000, standing in for a model in unit tests."""
    return DraftRecord.model_validate(
        {
            "summary": "Iran's president urged Iraq to stop Israel using its airspace; Kataib "
            "Hizbollah threatened US bases if the US intervenes.",
            "actors": [
                {
                    "name": "Kataib Hizbollah",
                    "aliases": [],
                    "type": "armed_group",
                    "country": "Iraq",
                    "title": None,
                    "affiliation": None,
                    "evidence": [
                        "Iran-aligned Iraqi armed group Kataib Hizbollah warned on Sunday"
                    ],
                },
                {
                    "name": "United States",
                    "aliases": ["America"],
                    "type": "state",
                    "country": "US",
                    "title": None,
                    "affiliation": None,
                    "evidence": ["“If America intervenes in the war, we will act directly"],
                },
                {
                    "name": "Abu Hussein Al Hamidawi",
                    "aliases": [],
                    "type": "person",
                    "country": "IQ",
                    "title": "Secretary-General",
                    "affiliation": "Kataib Hizbollah",
                    "evidence": ["Kataib Hizbollah Secretary-General Abu Hussein Al Hamidawi said"],
                },
            ],
            "locations": [
                {
                    "name": "Ain Al Asad",
                    "type": "military_base",
                    "country": "IQ",
                    "evidence": [
                        'An "explosive drone" was shot down by the coalition at Ain Al Asad'
                    ],
                },
            ],
            "events": [
                {
                    "type": "interception",
                    "description": "The coalition shot down two drones.",
                    "actors": ["US-led coalition"],
                    "targets": [],
                    "locations": ["Ain Al Asad"],
                    "when": "overnight on Saturday to Sunday",
                    "status": "occurred",
                    "casualties": None,
                    "other_story": False,
                    "evidence": ["The drones were shot down overnight on Saturday to Sunday"],
                },
            ],
            "threats": [
                {
                    "issuer": "Kataib Hizbollah",
                    "speaker": "Abu Hussein Al Hamidawi",
                    "targets": ["United States"],
                    "condition": "the United States intervenes",
                    "action": "act against US interests and bases",
                    "action_type": "violence",
                    "conditional": True,
                    "when": "on Sunday",
                    "other_story": False,
                    "evidence": [
                        "we will act directly against its interests and bases spread "
                        "across the region without hesitation",
                        "a sentence the article does not contain at all",
                    ],
                },
            ],
        }
    )


@pytest.fixture
def fake(draft_000: DraftRecord) -> FakeProvider:
    return FakeProvider(draft_000)


@pytest.fixture
def summarizer(fake: FakeProvider, settings: Settings) -> Summarizer:
    return Summarizer(fake, load_prompts(), RecordCache(settings.cache_dir), settings)

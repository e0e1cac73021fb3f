import shutil
from pathlib import Path

import pytest

from summarizer.core import (
    ArticleRequest,
    ConfigError,
    DraftRecord,
    GenerationParams,
    InputError,
    RecordingMissing,
)
from summarizer.extract.article import Article, build_article
from summarizer.extract.extraction import extract
from summarizer.extract.pipeline import Summarizer
from summarizer.providers.replay_handler import ReplayProvider
from summarizer.record import load_corpus
from summarizer.settings import Settings
from tests.conftest import CORPUS, corpus_article
from tests.fakes import FakeProvider

MESSAGES = [{"role": "user", "content": "News."}]
TEXT_000 = corpus_article("000").text
STORY = "A storm hit the northern coast on Monday, officials said. Roads were closed."


def test_replay_answers_what_was_recorded(draft_000: DraftRecord, tmp_path: Path) -> None:
    fake = FakeProvider("{broken", draft_000)  # one re-ask: two recorded calls
    recorded = extract(fake, MESSAGES, GenerationParams(), max_reasks=2, record_dir=tmp_path)
    replay = ReplayProvider(tmp_path)
    assert (replay.model, replay.mode) == ("fake-model", "json_schema")
    replayed = extract(replay, MESSAGES, GenerationParams(), max_reasks=2)
    assert replayed.draft.model_dump() == recorded.draft.model_dump()
    assert replayed.usage == recorded.usage


def test_a_miss_is_a_usage_error_that_sends_no_one_to_a_command_needing_a_key(
    draft_000: DraftRecord, tmp_path: Path
) -> None:
    extract(
        FakeProvider(draft_000), MESSAGES, GenerationParams(), max_reasks=0, record_dir=tmp_path
    )
    other = [{"role": "user", "content": "Other news."}]
    with pytest.raises(RecordingMissing) as caught:
        extract(ReplayProvider(tmp_path), other, GenerationParams(), max_reasks=0)
    assert isinstance(caught.value, InputError)  # exit 2 in the CLI, a 4xx in the API
    message = str(caught.value)
    assert message.startswith("no recording of this request (replay answers only recorded ones); ")
    assert "summarizer providers" in message and "--record" not in message


def test_changed_parameters_miss_the_recording(draft_000: DraftRecord, tmp_path: Path) -> None:
    extract(
        FakeProvider(draft_000), MESSAGES, GenerationParams(), max_reasks=0, record_dir=tmp_path
    )
    with pytest.raises(RecordingMissing):
        extract(ReplayProvider(tmp_path), MESSAGES, GenerationParams(seed=1), max_reasks=0)


def article(text: str, published_at: str | None) -> Article:
    return build_article(ArticleRequest(text=text, published_at=published_at), 100_000)


def miss(summarizer: Summarizer, text: str, published_at: str | None) -> str:
    """What replay says when `summarizer` has no recording for this article and date."""
    with pytest.raises(RecordingMissing) as caught:
        summarizer.summarize(article(text, published_at), use_cache=False)
    return str(caught.value)


def corpus_replay(tmp_path: Path, **settings: object) -> Summarizer:
    """The pipeline on the default set: the capable model's, of the eval corpus."""
    chosen = Settings(provider="replay", cache_dir=tmp_path, **settings)  # type: ignore[arg-type]
    return Summarizer.from_settings(chosen, use_cache=False)


@pytest.mark.parametrize(
    ("published_at", "said"),
    [
        ("2025-06-16", "article 000 is recorded with published_at 2025-06-15; you gave 2025-06-16"),
        (
            None,
            "article 000 is recorded with published_at 2025-06-15; you gave none: "
            "add --published-at 2025-06-15",
        ),
    ],
)
def test_a_corpus_article_with_another_date_is_named_with_its_recorded_date(
    tmp_path: Path, published_at: str | None, said: str
) -> None:
    assert miss(corpus_replay(tmp_path), TEXT_000, published_at) == said


def test_an_unknown_article_lists_the_recorded_ones_by_corpus_id_and_date(tmp_path: Path) -> None:
    listed = ", ".join(f"{a.id} ({a.published_at})" for a in load_corpus(CORPUS))
    assert miss(corpus_replay(tmp_path), STORY, "2025-06-15") == (
        f"no recording of this article: replay answers only the eval corpus (evals/seed/corpus) "
        f"articles {listed}; for others, use a model (`summarizer providers` says what each "
        "needs)"
    )


def test_a_recorded_article_and_date_with_other_settings_names_them(tmp_path: Path) -> None:
    replay = corpus_replay(tmp_path, max_tokens=4096)
    assert miss(replay, TEXT_000, "2025-06-15") == (
        "article 000 is recorded with published_at 2025-06-15, but this request differs: "
        "max_tokens 4096 (recorded: 16384)"
    )


def test_a_set_of_other_articles_names_them_by_their_first_words(
    draft_000: DraftRecord, tmp_path: Path
) -> None:
    recordings = tmp_path / "set"
    settings = Settings(cache_dir=tmp_path / "cache", record_dir=recordings)
    recorder = Summarizer.from_settings(settings).with_provider(FakeProvider(draft_000), False)
    recorder.summarize(article(STORY, "2025-03-03"), use_cache=False)
    replay = Summarizer(ReplayProvider(recordings), recorder.prompts, None, Settings())
    name = "“A storm hit the northern coast…”"
    assert miss(replay, STORY, "2025-03-04") == (
        f"the article {name} is recorded with published_at 2025-03-03; you gave 2025-03-04"
    )
    assert f"replay answers only {name} (2025-03-03); " in miss(replay, TEXT_000, None)


def test_a_missing_recordings_directory_says_so(tmp_path: Path) -> None:
    directory = tmp_path / "recordings"
    with pytest.raises(ConfigError) as caught:
        ReplayProvider(directory)
    assert str(caught.value) == (
        "no recording set for the replay provider: set SUMMARIZER_RECORDINGS_DIR to one (a "
        "checkout's evals/seed/recordings/claude-standin) or run from the checkout (looked in "
        f"{directory})"
    )
    assert str(tmp_path) not in caught.value.public_message  # what an API answer shows


def test_an_empty_recordings_directory_misses_every_request_saying_so(tmp_path: Path) -> None:
    with pytest.raises(RecordingMissing, match="no recordings for replay in the directory "):
        extract(ReplayProvider(tmp_path), MESSAGES, GenerationParams(), max_reasks=0)


def test_a_corpus_article_recorded_in_pieces_is_one_name(
    draft_000: DraftRecord, tmp_path: Path
) -> None:
    """A set under `<evals>/<eval set>/recordings/` names what it recorded by the corpus beside it,
    however the articles were split."""
    shutil.copytree(CORPUS, tmp_path / "evals" / "seed" / "corpus")
    recordings = tmp_path / "evals" / "seed" / "recordings" / "fake"
    settings = Settings(cache_dir=tmp_path / "cache", record_dir=recordings, chunk_chars=1000)
    recorder = Summarizer.from_settings(settings).with_provider(FakeProvider(draft_000), False)
    recorder.summarize(article(TEXT_000, "2025-06-15"), use_cache=False)
    assert len(list(recordings.glob("*.json"))) > 1
    replay = Summarizer(ReplayProvider(recordings), recorder.prompts, None, Settings())
    listed = "replay answers only the eval corpus (evals/seed/corpus) articles 000 (2025-06-15); "
    assert listed in miss(replay, STORY, None)

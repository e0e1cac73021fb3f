"""The word rules under the ledger and the actors: content words and their likeness, and
the keys of names that spelling does not match."""

from __future__ import annotations

import pytest

from summarizer.corpus.variants import core_name, middle_names_dropped, own_country_key
from summarizer.corpus.wording import alike, content_words, stem
from summarizer.extract import normalize_name


@pytest.mark.parametrize(
    ("words", "one"),
    [
        (["shell", "shells", "shelling", "shelled"], "shell"),
        (["carries", "carried", "carry"], "carry"),
        (["station", "stations", "station's"], "station"),
        (["mine", "mines", "mined", "mining"], "min"),
    ],
)
def test_inflections_share_a_stem(words: list[str], one: str) -> None:
    assert {stem(normalize_name(w)) for w in words} == {one}


def test_likeness_is_the_share_of_the_shorter_wordings_content_words() -> None:
    full = content_words("Its fighters will shell the coastal radar stations at dawn")
    assert full == {"fighter", "shell", "coastal", "radar", "station", "dawn"}
    assert alike(full, content_words("had threatened to shell the stations")) == 2 / 3
    assert alike(full, content_words("to mine the harbour entrance")) == 0.0
    # A one-word wording counts as two: one shared word is half a match.
    assert alike(full, content_words("shelling")) == 0.5
    assert alike(full, content_words(None)) == 0.0


def test_core_names_set_aside_generic_words_and_need_two_words() -> None:
    def core(name: str) -> tuple[str, ...] | None:
        return core_name(normalize_name(name))

    assert core("Kata'ib Sayf al-Jabal") == core("Sayf al-Jabal Brigades") == ("sayf", "jabal")
    assert core("Blue Lagoon Shipping Co.") == core("Blue Lagoon Shipping Incorporated")
    assert core("Kataib Jabal") is None and core("Jabal Front") is None


def test_own_country_keys() -> None:
    assert own_country_key("US Army", "US") == own_country_key("United States Army", "US")
    assert own_country_key("Army of the United States", "US") == ("army",)
    # "us" in lower case is a word, not the code; a state alone leaves nothing.
    assert own_country_key("the army with us", "US") is None
    assert own_country_key("Portugal", "PT") is None
    # Another country's adjective is no designator of this one.
    assert own_country_key("Spanish navy", "PT") is None
    assert own_country_key("Indiana National Guard", "IN") is None
    assert own_country_key("Indian navy", "IN") == ("navy",)


def test_middle_names() -> None:
    assert middle_names_dropped("lior avram katz", "lior katz")
    assert middle_names_dropped("ana maria luisa costa", "ana luisa costa")
    assert not middle_names_dropped("ana maria luisa costa", "ana luisa maria costa")
    assert not middle_names_dropped("lior katz", "dana katz")
    assert not middle_names_dropped("lior katz", "lior katz")
    assert not middle_names_dropped("katz", "lior katz")

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summarizer.extract.chunking import (
    MIN_PIECE,
    REMOTE_CHUNK_CHARS,
    Piece,
    context_chunk_chars,
    halve,
    plan_for,
    split,
)
from summarizer.providers import capabilities_of
from summarizer.settings import Settings
from tests.conftest import corpus_article

LOCAL = capabilities_of("local")
LONG = "\n\n".join(corpus_article(i).text for i in ("000", "001", "002", "003", "004"))


def test_a_text_within_the_budget_is_one_piece() -> None:
    assert split("Short text.", 100, 10) == [Piece(0, "Short text.")]


@pytest.mark.parametrize(("chars", "overlap"), [(1000, 0), (2000, 300), (4000, 500)])
def test_pieces_keep_the_budget_cover_the_text_and_overlap(chars: int, overlap: int) -> None:
    pieces = split(LONG, chars, overlap)
    assert len(pieces) > 1
    assert all(len(p.text) <= chars and LONG[p.start : p.end] == p.text for p in pieces)
    assert pieces[0].start == 0 and pieces[-1].end == len(LONG)
    pairs = list(itertools.pairwise(pieces))
    assert all(after.start <= before.end for before, after in pairs)  # no gap
    if overlap:
        # The end of one piece begins the next, except at a paragraph break, which the
        # splitter leaves clean (an item rarely straddles paragraphs).
        assert all(a.start < b.end or LONG[b.end - 1] == "\n" for b, a in pairs)
        assert any(a.start < b.end for b, a in pairs)


def test_pieces_are_cut_at_paragraph_or_sentence_boundaries() -> None:
    for piece in split(LONG, 2000, 0)[:-1]:
        assert re.search(r"([.!?\"”’)]\s*|\n)$", piece.text), piece.text[-40:]


@given(st.text(min_size=1, max_size=3000), st.integers(200, 1500), st.integers(0, 100))
@settings(max_examples=60, deadline=None)
def test_any_text_is_covered_by_pieces_within_budget(text: str, chars: int, overlap: int) -> None:
    pieces = split(text, chars, overlap)
    assert all(len(p.text) <= chars and text[p.start : p.end] == p.text for p in pieces)
    covered = set().union(*(range(p.start, p.end) for p in pieces))
    assert covered >= {i for i, c in enumerate(text) if not c.isspace()}


def test_halving_gives_smaller_pieces_at_the_same_place_until_too_small() -> None:
    piece = split(LONG, 4000, 300)[1]
    halves = halve(piece, 300)
    assert halves is not None and len(halves) >= 2
    assert all(len(h.text) < len(piece.text) and LONG[h.start : h.end] == h.text for h in halves)
    assert halves[0].start == piece.start and halves[-1].end == piece.end
    assert halve(Piece(0, "x" * (2 * MIN_PIECE - 1)), 50) is None


def test_the_local_budget_comes_from_its_context_and_the_others_from_the_setting() -> None:
    local = plan_for(Settings(local_n_ctx=8192, max_tokens=4096), LOCAL, 6000)
    assert local.chars == context_chunk_chars(8192, 4096, 6000)
    assert 6000 < local.chars < (8192 - 4096) * 4  # prompt and answer leave this much text
    assert plan_for(Settings(local_n_ctx=2048, max_tokens=512), LOCAL, 6000).chars < local.chars
    assert plan_for(Settings(), capabilities_of("openai"), 6000).chars == REMOTE_CHUNK_CHARS
    chosen = plan_for(Settings(chunk_chars=3000, chunk_overlap=2000, passes=2), LOCAL, 6000)
    assert (chosen.chars, chosen.overlap, chosen.passes) == (3000, 750, 2)

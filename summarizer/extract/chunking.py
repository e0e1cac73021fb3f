"""Chunking stage: an article too long for one model call becomes pieces cut at
paragraph, then sentence, then word boundaries (semantic-text-splitter), each repeating
the end of the one before, so an item that straddles a cut is whole in one piece."""

from __future__ import annotations

import math
from dataclasses import dataclass

from semantic_text_splitter import TextSplitter

from summarizer.core import ChunkPlan
from summarizer.providers import Capabilities
from summarizer.settings import Settings

# Characters per call for providers whose context is not known here. Large enough that
# a typical news article is one call, small enough that a capable model's full answer
# (1-2 tokens per character of article) fits the default answer budget of 16k tokens.
REMOTE_CHUNK_CHARS = 8000
# Characters per token, on the low side for English under common tokenizers (SmolLM2's:
# 4.3 for the prompt, 4.9 for news text), so a derived budget errs towards smaller pieces;
# a piece that still does not fit is cut again (`halve`).
CHARS_PER_TOKEN = 4.0
# Tokens kept free for the chat template's own markup.
TEMPLATE_TOKENS = 64
# The smallest piece: below it, a piece is not cut again to recover a cut-off answer.
MIN_PIECE = 500


@dataclass(frozen=True)
class Piece:
    """A stretch of the article: its text and where it starts in the whole text."""

    start: int
    text: str

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def context_chunk_chars(n_ctx: int, max_tokens: int, prompt_chars: int) -> int:
    """Article characters that fit a context window of `n_ctx` tokens beside the prompt
    and a full answer."""
    prompt_tokens = math.ceil(prompt_chars / CHARS_PER_TOKEN) + TEMPLATE_TOKENS
    return max(MIN_PIECE, int((n_ctx - max_tokens - prompt_tokens) * CHARS_PER_TOKEN))


def plan_for(settings: Settings, capabilities: Capabilities, prompt_chars: int) -> ChunkPlan:
    """The configured budget; unset, what fits the provider's context where it is known,
    else REMOTE_CHUNK_CHARS."""
    chars = settings.chunk_chars
    context = capabilities.context_tokens
    if chars is None and context is not None:
        budget = capabilities.answer_budget(settings)
        chars = context_chunk_chars(context(settings), budget, prompt_chars)
    chars = chars or REMOTE_CHUNK_CHARS
    return ChunkPlan(
        chars=chars, overlap=min(settings.chunk_overlap, chars // 4), passes=settings.passes
    )


def split(text: str, chars: int, overlap: int, start: int = 0) -> list[Piece]:
    """`text` (found at `start` in the article) in pieces of at most `chars` characters."""
    if len(text) <= chars:
        return [Piece(start, text)]
    splitter = TextSplitter(chars, overlap=min(overlap, chars - 1), trim=False)
    # A stretch of bare whitespace between paragraphs is no call's business.
    return [Piece(start + at, c) for at, c in splitter.chunk_indices(text) if c.strip()]


def halve(piece: Piece, overlap: int) -> list[Piece] | None:
    """The piece in two (for an answer that did not fit), or None when it is too small."""
    if len(piece.text) < 2 * MIN_PIECE:
        return None
    size = len(piece.text) // 2 + overlap
    return split(piece.text, size, min(overlap, size // 4), piece.start)

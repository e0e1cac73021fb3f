"""Extraction: one article in, one grounded contract record out.

The stages in the data's path: `article` (input) -> `prompts` -> `extraction` (the
provider call, validation and re-asks) -> `grounding` -> `dates` and `names` ->
`assemble` -> `cache`; `pipeline.Summarizer` runs them in order and is the entry point.
"""

from summarizer.extract.article import (
    EMPTY,
    Article,
    build_article,
    content_id,
    decode,
    normalize_text,
    parse_date,
    request_from_body,
    request_from_bytes,
    request_from_json,
)
from summarizer.extract.cache import RecordCache
from summarizer.extract.grounding import held_span
from summarizer.extract.names import (
    NameMatch,
    NameMatcher,
    fuzzy_pairs,
    normalize_name,
    token_f1,
)
from summarizer.extract.pipeline import Summarizer
from summarizer.extract.prompts import load_prompts

__all__ = [
    "EMPTY",
    "Article",
    "NameMatch",
    "NameMatcher",
    "RecordCache",
    "Summarizer",
    "build_article",
    "content_id",
    "decode",
    "fuzzy_pairs",
    "held_span",
    "load_prompts",
    "normalize_name",
    "normalize_text",
    "parse_date",
    "request_from_body",
    "request_from_bytes",
    "request_from_json",
    "token_f1",
]

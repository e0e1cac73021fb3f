"""Local model: seconds per article and tokens/s over the five corpus articles, and the
pipeline's overhead as a ratio to calling llama.cpp directly with the same prompt and
grammar, in the same process (model state reset before each timed call).

    python -m bench.local_model
"""

from __future__ import annotations

import json
import time

from bench.common import report
from summarizer.article import build_article
from summarizer.core import ArticleRequest, DraftRecord
from summarizer.evalset import EVALS_DIR, load_corpus
from summarizer.pipeline import Summarizer
from summarizer.prompts import load_prompts
from summarizer.providers import local_handler
from summarizer.settings import Settings


def main() -> None:
    settings = Settings(provider="local")
    provider = local_handler.LocalProvider(None, settings.local_n_ctx, settings.local_threads)
    prompts = load_prompts()
    summarizer = Summarizer(provider, prompts, None, settings)
    schema = json.dumps(local_handler.compact(DraftRecord.model_json_schema()), sort_keys=True)
    llama = local_handler._load(provider.path, settings.local_n_ctx, settings.local_threads)
    rows = []
    for entry in load_corpus(EVALS_DIR / "corpus"):
        request = ArticleRequest(text=entry.text, id=entry.id, published_at=entry.published_at)
        article = build_article(request, settings.max_chars)
        # llama.cpp reuses a matching prompt prefix from the previous call; reset before
        # each timed call so both pay for the whole prompt and decode from the same state.
        llama.reset()
        started = time.perf_counter()
        direct = llama.create_chat_completion(
            messages=prompts.messages(article.text, str(entry.published_at)),
            grammar=local_handler.json_grammar(schema),
            **settings.generation().model_dump(),
        )
        direct_s = time.perf_counter() - started
        llama.reset()
        started = time.perf_counter()
        record = summarizer.summarize(article, use_cache=False)
        pipeline_s = time.perf_counter() - started
        tokens = record.provenance.usage.completion_tokens
        rows.append(
            {
                "article": entry.id,
                "prompt tokens": record.provenance.usage.prompt_tokens,
                "completion tokens": tokens,
                "pipeline s": round(pipeline_s, 2),
                "tokens/s": round(tokens / pipeline_s, 1),
                "direct llama.cpp s": round(direct_s, 2),
                "direct tokens": direct["usage"]["completion_tokens"],
                "overhead ratio": round(pipeline_s / direct_s, 3),
            }
        )
    report(
        "local_model",
        "Local model (SmolLM2-135M Q4_1): pipeline vs direct llama.cpp",
        rows,
        model=provider.model,
    )


if __name__ == "__main__":
    main()

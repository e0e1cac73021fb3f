"""Local model, two tables.

1. Extra CPU buffer types on vs off (`SUMMARIZER_LOCAL_EXTRA_BUFFERS`): prompt and
   generation tokens/s for article 000, for the shipped Q4_1 model and a Q4_0 copy made
   here with llama.cpp's quantizer (Q4_0 is a type llama.cpp repacks on AVX2, so it shows
   what `off` costs where the repacked path works). Ratio: off / on, in the same run.
2. The pipeline, through its worker process, against calling llama.cpp directly in this
   process with the same messages, grammar and sampling, over the five corpus articles.

    python -m bench.local_model [buffers | pipeline]   (both tables when not named)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import SEED, report
from summarizer.choices import ExtraBuffers
from summarizer.core import ArticleRequest, DraftRecord
from summarizer.evals import load_corpus
from summarizer.extract import Summarizer, build_article, load_prompts
from summarizer.providers import local_handler
from summarizer.providers.local_model import LocalModel, ModelConfig
from summarizer.settings import Settings

DECODE_TOKENS = 256
# On and off alternate, each measured REPS times, medians reported: the machine's speed
# drifts over minutes, and one run each put drift into the ratio.
REPS = 3


def quantized_q4_0(source: Path, directory: Path) -> Path:
    import llama_cpp

    target = directory / "q4_0.gguf"
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = llama_cpp.LLAMA_FTYPE_MOSTLY_Q4_0
    params.allow_requantize = True
    if llama_cpp.llama_model_quantize(str(source).encode(), str(target).encode(), params) != 0:
        raise RuntimeError("quantizing to Q4_0 failed")
    return target


def speed(path: Path, setting: ExtraBuffers, messages: list[dict[str, str]]) -> dict[str, Any]:
    model = LocalModel(ModelConfig(str(path), 4096, None, setting))
    timings = {}
    for tokens in (1, DECODE_TOKENS):
        model._llama.reset()  # type: ignore[no-untyped-call]  # both calls read the whole prompt
        started = time.perf_counter()
        answer = model.create({"messages": messages, "max_tokens": tokens, "temperature": 0})
        timings[tokens] = time.perf_counter() - started
    prompt_tokens = answer["usage"]["prompt_tokens"]
    decoded = answer["usage"]["completion_tokens"] - 1
    model._llama.close()
    return {
        "prompt tok/s": prompt_tokens / timings[1],
        "generation tok/s": decoded / (timings[DECODE_TOKENS] - timings[1]),
    }


MEASURES = ("prompt tok/s", "generation tok/s")


def extra_buffer_rows(demo: Path, messages: list[dict[str, str]]) -> list[dict[str, Any]]:
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for label, path in (("Q4_1 (shipped)", demo), ("Q4_0 (requantized)", None)):
            path = path or quantized_q4_0(demo, Path(scratch))
            runs: dict[ExtraBuffers, list[dict[str, Any]]] = {"on": [], "off": []}
            for _ in range(REPS):
                for setting in runs:
                    runs[setting].append(speed(path, setting, messages))
            on, off = (
                {name: statistics.median(run[name] for run in runs[setting]) for name in MEASURES}
                for setting in runs
            )
            for name in MEASURES:
                rows.append(
                    {
                        "model": label,
                        "measure": name,
                        "extra buffers on": round(on[name], 1),
                        "off": round(off[name], 1),
                        "off / on": round(off[name] / on[name], 3),
                    }
                )
    return rows


def pipeline_rows(settings: Settings) -> list[dict[str, Any]]:
    provider = local_handler.LocalProvider(None, settings.local_n_ctx, settings.local_threads)
    prompts = load_prompts()
    summarizer = Summarizer(provider, prompts, None, settings)
    schema = DraftRecord.model_json_schema()
    response_format = {"type": "json_schema", "json_schema": {"name": "draft", "schema": schema}}
    direct = LocalModel(ModelConfig(str(provider.path), settings.local_n_ctx, None, "auto"))
    rows = []
    for entry in load_corpus(SEED / "corpus"):
        request = ArticleRequest(text=entry.text, id=entry.id, published_at=entry.published_at)
        article = build_article(request, settings.max_chars)
        started = time.perf_counter()
        answer = direct.create(
            {
                "messages": prompts.messages(article.text, str(entry.published_at)),
                "response_format": response_format,
                **summarizer.params().model_dump(),
            }
        )
        direct_s = time.perf_counter() - started
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
                "direct tokens": answer["usage"]["completion_tokens"],
                "overhead ratio": round(pipeline_s / direct_s, 3),
            }
        )
    provider.worker.close()
    return rows


def main() -> None:
    settings = Settings(provider="local")
    demo = local_handler.demo_model_path()
    if demo is None:
        raise SystemExit("install summarizer[local] first")
    tables = sys.argv[1:] or ["buffers", "pipeline"]
    entry = load_corpus(SEED / "corpus")[0]
    messages = load_prompts().messages(entry.text, str(entry.published_at))
    if "buffers" in tables:
        report(
            "local_model_extra_buffers",
            f"Extra CPU buffer types on vs off (article 000, {DECODE_TOKENS} generated tokens, "
            f"median of {REPS} alternating runs)",
            extra_buffer_rows(demo, messages),
        )
    if "pipeline" in tables:
        report(
            "local_model",
            "Local model (SmolLM2-135M Q4_1): pipeline (worker process) vs direct llama.cpp",
            pipeline_rows(settings),
            model=demo.stem,
        )


if __name__ == "__main__":
    main()

"""The eval run: predictions for the eval corpus (from the pipeline or a directory),
scored against gold, checked against thresholds, reported as a table and as JSON."""

from __future__ import annotations

import json
import shutil
import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from summarizer.core import (
    ArticleRequest,
    ConfigError,
    RecordingMissing,
    SummarizerError,
    SummaryRecord,
)
from summarizer.evals.evalset import CorpusArticle, GoldRecord, load_aliases, load_corpus, load_gold
from summarizer.evals.scoring import LISTS, NameMatcher, Score, score_article
from summarizer.extract import Summarizer, build_article
from summarizer.record import write_atomic

RERECORD = "summarizer eval --record --provider local"
TOLERANCE = 0.02


@dataclass
class EvalSet:
    corpus: list[CorpusArticle]
    gold: dict[str, GoldRecord]
    names: NameMatcher

    @classmethod
    def load(cls, evals_dir: Path) -> EvalSet:
        corpus = load_corpus(evals_dir / "corpus")
        gold = {a.id: load_gold(evals_dir / "gold" / f"{a.id}.json", a.text) for a in corpus}
        return cls(corpus, gold, NameMatcher(load_aliases(evals_dir / "aliases.json")))


@dataclass
class Outcome:
    """One article's prediction, or why there is none."""

    id: str
    record: SummaryRecord | None
    error: SummarizerError | str | None = None


@dataclass
class EvalReport:
    outcomes: list[Outcome]
    scores: dict[str, Score]

    @property
    def total(self) -> Score:
        return sum(self.scores.values(), Score())

    def stale_recordings(self) -> bool:
        return any(isinstance(o.error, RecordingMissing) for o in self.outcomes)

    def to_json(self, about: dict[str, Any]) -> dict[str, Any]:
        return {
            **about,
            "micro": self.total.metrics(),
            "articles": {
                o.id: {
                    "metrics": self.scores[o.id].metrics(),
                    "error": str(o.error) if o.error else None,
                }
                for o in self.outcomes
            },
        }


def run_pipeline(summarizer: Summarizer, corpus: list[CorpusArticle]) -> list[Outcome]:
    outcomes = []
    for entry in corpus:
        request = ArticleRequest(text=entry.text, id=entry.id, published_at=entry.published_at)
        try:
            article = build_article(request, summarizer.settings.max_chars)
            outcomes.append(Outcome(entry.id, summarizer.summarize(article, use_cache=False)))
        except SummarizerError as exc:
            outcomes.append(Outcome(entry.id, None, exc))
    return outcomes


def record(summarizer: Summarizer, corpus: list[CorpusArticle], directory: Path) -> list[Outcome]:
    """Run the real provider with every call recorded; then the recordings of this run
    replace the old ones, so calls no longer made leave no recording behind."""
    with tempfile.TemporaryDirectory() as scratch:
        settings = summarizer.settings.model_copy(update={"record_dir": Path(scratch)})
        recorder = Summarizer(summarizer.provider, summarizer.prompts, None, settings)
        outcomes = run_pipeline(recorder, corpus)
        directory.mkdir(parents=True, exist_ok=True)
        for old in directory.glob("*.json"):
            old.unlink()
        for new in Path(scratch).glob("*.json"):
            shutil.move(new, directory / new.name)
    return outcomes


def read_predictions(directory: Path, corpus: list[CorpusArticle]) -> list[Outcome]:
    """Contract JSON files, paired with articles by `article.id`, else by file stem."""
    found: dict[str, Outcome] = {}
    for path in sorted(directory.glob("*.json")):
        try:
            record = SummaryRecord.model_validate_json(path.read_text(encoding="utf-8"))
            found[record.article.id] = Outcome(record.article.id, record)
        except (OSError, ValidationError) as exc:
            found.setdefault(path.stem, Outcome(path.stem, None, f"not contract-valid: {exc}"))
    return [found.get(a.id, Outcome(a.id, None, "no prediction file")) for a in corpus]


def score(outcomes: list[Outcome], evalset: EvalSet) -> EvalReport:
    texts = {a.id: a.text for a in evalset.corpus}
    scores = {
        o.id: score_article(o.record, evalset.gold[o.id], texts[o.id], evalset.names)
        for o in outcomes
    }
    return EvalReport(outcomes, scores)


def save_predictions(outcomes: list[Outcome], directory: Path) -> None:
    for outcome in outcomes:
        if outcome.record is not None:
            write_atomic(
                directory / f"{outcome.id}.json", outcome.record.model_dump_json(indent=2) + "\n"
            )


# --- Thresholds -------------------------------------------------------------------------


def load_thresholds(path: Path) -> tuple[str | None, dict[str, float]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read thresholds {path}: {exc}") from None
    return data.get("model"), {k: float(v) for k, v in data.get("min", {}).items()}


def below_thresholds(metrics: dict[str, float | None], minimums: dict[str, float]) -> list[str]:
    failures = []
    for name, minimum in sorted(minimums.items()):
        value = metrics.get(name)
        if value is None or value < minimum:
            shown = "not measured" if value is None else f"{value:.3f}"
            failures.append(f"{name} = {shown}, below the threshold {minimum:.3f}")
    return failures


def write_thresholds(
    path: Path, metrics: dict[str, float | None], model: str, tolerance: float
) -> None:
    lines = [
        "# Minimum scores for `summarizer eval` (replay of evals/recordings).",
        "# Each is the committed recordings' score minus the tolerance; schema-valid rate is 1.",
        "# Written by `summarizer eval --update-thresholds` after re-recording.",
        f'model = "{model}"',
        f"tolerance = {tolerance}",
        "",
        "[min]",
    ]
    for name, value in metrics.items():
        if value is None:
            continue
        minimum = 1.0 if name == "schema_valid_rate" else max(0.0, round(value - tolerance, 3))
        lines.append(f'"{name}" = {minimum}')
    write_atomic(path, "\n".join(lines) + "\n")


def apply_thresholds(
    metrics: dict[str, float | None],
    path: Path,
    model: str,
    update: bool,
    say: Callable[[str], None],
) -> bool:
    """Check the run against the thresholds (or, with `update`, reset them to it)."""
    if update:
        write_thresholds(path, metrics, model, TOLERANCE)
        say(f"thresholds written to {path}")
        return True
    threshold_model, minimums = load_thresholds(path)
    if model and threshold_model and model != threshold_model:
        say(f"note: thresholds belong to {threshold_model}, this run is {model}")
    failures = below_thresholds(metrics, minimums)
    for failure in failures:
        say(f"summarizer: below threshold: {failure}")
    return not failures


# --- Report -----------------------------------------------------------------------------


def render(report: EvalReport, console: Console) -> None:
    lists = Table(title="Entries: precision / recall / F1 (micro over articles)")
    lists.add_column("article")
    for name in LISTS:
        lists.add_column(name, justify="right")
    lists.add_column("grounded", justify="right")
    lists.add_column("valid", justify="right")
    rows = [*report.scores.items(), ("micro", report.total)]
    for article_id, s in rows:
        lists.add_row(
            article_id,
            *(f"{c.precision:.2f} / {c.recall:.2f} / {c.f1:.2f}" for c in s.lists.values()),
            _fmt(s.grounding.mean),
            _fmt(s.schema_valid.mean),
        )
    console.print(lists)
    fields = Table(title="Fields of matched entries (micro)")
    fields.add_column("field")
    fields.add_column("score", justify="right")
    fields.add_column("pairs", justify="right")
    for name, tally in sorted(report.total.fields.items()):
        fields.add_row(name, _fmt(tally.mean), str(tally.count))
    console.print(fields)
    for outcome in report.outcomes:
        if outcome.error:
            console.print(f"[red]{outcome.id}: {outcome.error}[/red]")


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def dump_json(path: Path, data: dict[str, Any]) -> None:
    write_atomic(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")

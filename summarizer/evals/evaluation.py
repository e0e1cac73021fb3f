"""The eval run: predictions for the eval corpus (from the pipeline or a directory),
scored against gold, checked against thresholds, reported as a table and as JSON."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from summarizer.core import (
    ArticleRequest,
    RecordingMissing,
    SummarizerError,
    SummaryRecord,
)
from summarizer.evals.evalset import CorpusArticle, GoldRecord, load_aliases, load_corpus, load_gold
from summarizer.evals.scoring import LISTS, NameMatcher, Score, score_article
from summarizer.evals.sets import RecordingSet, for_recording
from summarizer.extract import Summarizer, build_article
from summarizer.providers import registered
from summarizer.record import write_atomic
from summarizer.settings import Settings


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

    def failed_articles(self) -> list[str]:
        return [o.id for o in self.outcomes if o.record is None]

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
    """Run the real provider with every call recorded. When every article got a record,
    the recordings of this run replace the old ones (calls no longer made leave no
    recording behind); otherwise the old set stays as it was."""
    with tempfile.TemporaryDirectory() as scratch:
        settings = summarizer.settings.model_copy(update={"record_dir": Path(scratch)})
        recorder = Summarizer(summarizer.provider, summarizer.prompts, None, settings)
        outcomes = run_pipeline(recorder, corpus)
        if any(o.record is None for o in outcomes):
            return outcomes
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


# --- Recording sets ---------------------------------------------------------------------


@dataclass
class SetResult:
    """One recording set's eval: its report, what ran, and the thresholds it missed."""

    recording_set: RecordingSet
    report: EvalReport
    about: dict[str, Any]
    failures: list[str]

    @property
    def rerecord(self) -> str:
        s = self.recording_set
        model = f" --model {s.model}" if reads_model(s.provider) else ""
        return f"summarizer eval --record --provider {s.provider}{model}"


def reads_model(provider: str) -> bool:
    """Whether recording `provider` takes a `--model` (a setting, not a file)."""
    return any(spec.name == provider and spec.reads_model for spec in registered())


def replay_set(
    recording_set: RecordingSet,
    evalset: EvalSet,
    make: Callable[[Settings], Summarizer],
    base: Settings,
) -> SetResult:
    """Replay one set with the settings it was recorded with, scored and checked."""
    started = time.perf_counter()
    summarizer = make(recording_set.replay_settings(base))
    report = score(run_pipeline(summarizer, evalset.corpus), evalset)
    return _result(recording_set, report, summarizer, started)


def record_set(
    root: Path, evalset: EvalSet, summarizer: Summarizer, update_thresholds: bool
) -> SetResult:
    """Run the real provider over the corpus into its model's set (made if new)."""
    started = time.perf_counter()
    target = for_recording(root, summarizer.provider.model, summarizer.provider.name)
    report = score(record(summarizer, evalset.corpus, target.directory), evalset)
    if report.failed_articles():
        return _result(target, report, summarizer, started)
    target = target.recorded_by(summarizer)
    if update_thresholds:
        target = target.with_thresholds(report.total.metrics())
    target.save()
    return _result(target, report, summarizer, started)


def _result(
    recording_set: RecordingSet, report: EvalReport, summarizer: Summarizer, started: float
) -> SetResult:
    about = {
        "set": recording_set.name,
        "model": recording_set.model,
        "provider": summarizer.provider.name,
        "prompt_version": summarizer.prompt_version,
        "seconds": round(time.perf_counter() - started, 2),
    }
    return SetResult(recording_set, report, about, recording_set.below(report.total.metrics()))


# --- Report -----------------------------------------------------------------------------


def render(report: EvalReport, console: Console, name: str = "") -> None:
    about = f"{name}: " if name else ""
    lists = Table(title=f"{about}entries: precision / recall / F1 (micro over articles)")
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
    fields = Table(title=f"{about}fields of matched entries (micro)")
    fields.add_column("field")
    fields.add_column("score", justify="right")
    fields.add_column("pairs", justify="right")
    for name, tally in sorted(report.total.fields.items()):
        fields.add_row(name, _fmt(tally.mean), str(tally.count))
    console.print(fields)
    for outcome in report.outcomes:
        if outcome.error:
            console.print(f"[red]{outcome.id}: {outcome.error}[/red]")


def render_side_by_side(results: list[SetResult], console: Console) -> None:
    table = Table(title="Recording sets side by side (micro over the corpus)")
    table.add_column("metric")
    for result in results:
        table.add_column(result.recording_set.model, justify="right")
    metrics = [r.report.total.metrics() for r in results]
    for name in metrics[0]:
        table.add_row(name, *(_fmt(m.get(name)) for m in metrics))
    console.print(table)


def report_json(results: list[SetResult]) -> dict[str, Any]:
    return {
        "sets": {
            r.recording_set.name: {**r.report.to_json(r.about), "below_thresholds": r.failures}
            for r in results
        },
        "seconds": round(sum(r.about["seconds"] for r in results), 2),
    }


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def dump_json(path: Path, data: dict[str, Any]) -> None:
    write_atomic(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")

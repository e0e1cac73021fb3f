"""The eval run: predictions for each eval set's corpus (from the pipeline or a
directory), scored against gold, checked against thresholds, reported as tables (scores
with their intervals) and as JSON."""

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
    ConfigError,
    RecordingMissing,
    SummarizerError,
    SummaryRecord,
)
from summarizer.evals.bcubed import CorpusScore, Scored, score_corpus
from summarizer.evals.corpusgold import CorpusGold, load_corpus_gold
from summarizer.evals.evalset import CorpusArticle, GoldRecord, load_aliases, load_corpus, load_gold
from summarizer.evals.intervals import LEVEL, Estimate, estimates, point
from summarizer.evals.scoring import LISTS, ArticleScorer, Score
from summarizer.evals.sets import RecordingSet, for_recording
from summarizer.extract import NameMatcher, Summarizer, build_article
from summarizer.providers import registered
from summarizer.record import write_atomic
from summarizer.settings import Settings

CORPUS_GOLD = "corpus-gold.json"


@dataclass
class EvalSet:
    """One eval set (`evals/<name>/`): corpus, gold, aliases, its corpus gold if it has one,
    and its recording sets."""

    directory: Path
    corpus: list[CorpusArticle]
    gold: dict[str, GoldRecord]
    names: NameMatcher
    corpus_gold: CorpusGold | None = None

    @classmethod
    def load(cls, directory: Path) -> EvalSet:
        corpus = load_corpus(directory / "corpus")
        gold = {a.id: load_gold(directory / "gold" / f"{a.id}.json", a.text) for a in corpus}
        names = NameMatcher(load_aliases(directory / "aliases.json"))
        path = directory / CORPUS_GOLD
        texts = {a.id: a.text for a in corpus}
        corpus_gold = load_corpus_gold(path, gold, texts) if path.is_file() else None
        return cls(directory, corpus, gold, names, corpus_gold)

    @property
    def name(self) -> str:
        return self.directory.name

    @property
    def recordings(self) -> Path:
        return self.directory / "recordings"


def eval_sets(evals_dir: Path, name: str | None = None) -> list[EvalSet]:
    """Every eval set under `evals_dir` (a directory with `corpus/manifest.json`), by
    name, or only the one called `name`."""
    found = sorted(d for d in evals_dir.iterdir() if (d / "corpus" / "manifest.json").is_file())
    if name is not None:
        if name not in [d.name for d in found]:
            listed = ", ".join(d.name for d in found) or "none"
            raise ConfigError(f"no eval set {name!r} in {evals_dir} (there are: {listed})")
        found = [evals_dir / name]
    return [EvalSet.load(d) for d in found]


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
    corpus: CorpusScore | None = None  # when the eval set has corpus gold

    @property
    def total(self) -> Score:
        return sum(self.scores.values(), Score())

    def metrics(self) -> dict[str, float | None]:
        """Every micro score, the corpus scores after the articles'."""
        return {**self.total.metrics(), **(self.corpus.metrics() if self.corpus else {})}

    def counted(self) -> dict[str, float]:
        """What each micro score counts (its trials; for a corpus score, its items)."""
        trials = {name: f.trials for name, f in self.total.fractions().items()}
        return {**trials, **(self.corpus.counted() if self.corpus else {})}

    def estimates(self, level: float = LEVEL) -> dict[str, Estimate]:
        found = estimates(list(self.scores.values()), level)
        corpus = self.corpus.metrics() if self.corpus else {}
        return {**found, **{n: point(v) for n, v in corpus.items() if v is not None}}

    def stale_recordings(self) -> bool:
        return any(isinstance(o.error, RecordingMissing) for o in self.outcomes)

    def failed_articles(self) -> list[str]:
        return [o.id for o in self.outcomes if o.record is None]

    def to_json(self, about: dict[str, Any]) -> dict[str, Any]:
        return {
            **about,
            "micro": self.metrics(),
            # The article bootstrap's 95% interval of each measured micro score (the corpus
            # scores have none).
            "micro_interval": {
                n: [e.low, e.high] for n, e in self.estimates().items() if e.low is not None
            },
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
    """Each article against its gold; with corpus gold, the corpus of all of them too."""
    texts = {a.id: a.text for a in evalset.corpus}
    scorers = {
        o.id: ArticleScorer(evalset.gold[o.id], texts[o.id], evalset.names) for o in outcomes
    }
    scores = {o.id: scorers[o.id].run(o.record) for o in outcomes}
    if evalset.corpus_gold is None:
        return EvalReport(outcomes, scores)
    articles = {o.id: Scored(o.record, evalset.gold[o.id], scorers[o.id].pairs) for o in outcomes}
    return EvalReport(outcomes, scores, score_corpus(articles, evalset.corpus_gold))


def save_predictions(outcomes: list[Outcome], directory: Path) -> None:
    for outcome in outcomes:
        if outcome.record is not None:
            write_atomic(
                directory / f"{outcome.id}.json", outcome.record.model_dump_json(indent=2) + "\n"
            )


# --- Recording sets ---------------------------------------------------------------------


@dataclass
class SetResult:
    """One recording set's eval: its report, what ran, and the thresholds it missed."""

    evalset: str
    recording_set: RecordingSet
    report: EvalReport
    about: dict[str, Any]
    failures: list[str]

    @property
    def name(self) -> str:
        return f"{self.evalset}/{self.recording_set.name}"

    @property
    def rerecord(self) -> str:
        s = self.recording_set
        model = f" --model {s.model}" if reads_model(s.provider) else ""
        return f"summarizer eval --record --set {self.evalset} --provider {s.provider}{model}"


def reads_model(provider: str) -> bool:
    """Whether recording `provider` takes a `--model` (a setting, not a file)."""
    return any(spec.name == provider and spec.reads_model for spec in registered())


def replay_set(
    recording_set: RecordingSet,
    evalset: EvalSet,
    make: Callable[[Settings], Summarizer],
    base: Settings,
    update_thresholds: bool = False,
) -> SetResult:
    """Replay one set with the settings it was recorded with, scored and checked; with
    `update_thresholds`, its thresholds drawn again from the replayed scores (after a gold
    change, say), when every article got a record."""
    started = time.perf_counter()
    summarizer = make(recording_set.replay_settings(base))
    report = score(run_pipeline(summarizer, evalset.corpus), evalset)
    if update_thresholds and not report.failed_articles():
        recording_set = recording_set.with_thresholds(report.estimates(recording_set.level))
        recording_set.save()
    return _result(evalset, recording_set, report, summarizer, started)


def record_set(evalset: EvalSet, summarizer: Summarizer, update_thresholds: bool) -> SetResult:
    """Run the real provider over the eval set's corpus into its model's recording set
    (made if new)."""
    started = time.perf_counter()
    target = for_recording(evalset.recordings, summarizer.provider.model, summarizer.provider.name)
    report = score(record(summarizer, evalset.corpus, target.directory), evalset)
    if report.failed_articles():
        return _result(evalset, target, report, summarizer, started)
    target = target.recorded_by(summarizer)
    if update_thresholds:
        target = target.with_thresholds(report.estimates(target.level))
    target.save()
    return _result(evalset, target, report, summarizer, started)


def _result(
    evalset: EvalSet,
    recording_set: RecordingSet,
    report: EvalReport,
    summarizer: Summarizer,
    started: float,
) -> SetResult:
    about = {
        "eval_set": evalset.name,
        "set": recording_set.name,
        "model": recording_set.model,
        "provider": summarizer.provider.name,
        "prompt_version": summarizer.prompt_version,
        "seconds": round(time.perf_counter() - started, 2),
    }
    failures = recording_set.below(report.metrics())
    return SetResult(evalset.name, recording_set, report, about, failures)


# --- Report -----------------------------------------------------------------------------


def render(
    report: EvalReport, console: Console, name: str = "", minimums: dict[str, float] | None = None
) -> None:
    """Per-article entry scores, then every micro score with its interval (and the
    threshold it is checked against, where there is one), then the articles that failed."""
    about = f"{name}: " if name else ""
    lists = Table(title=f"{about}entries: precision / recall / F1 (micro over articles)")
    lists.add_column("article")
    for list_name in LISTS:
        lists.add_column(list_name, justify="right")
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
    console.print(_micro_table(report, f"{about}micro scores [{LEVEL:.0%} interval]", minimums))
    for outcome in report.outcomes:
        if outcome.error:
            console.print(f"[red]{outcome.id}: {outcome.error}[/red]")


def _micro_table(report: EvalReport, title: str, minimums: dict[str, float] | None) -> Table:
    table = Table(title=title)
    table.add_column("score")
    table.add_column("micro [interval]", justify="right")
    table.add_column("counted", justify="right")
    if minimums is not None:
        table.add_column("threshold", justify="right")
    counted = report.counted()
    for name, estimate in report.estimates().items():
        cells = [name, estimate.shown(), f"{counted[name]:g}"]
        if minimums is not None:
            cells.append(_fmt(minimums.get(name), 3))
        table.add_row(*cells)
    return table


def render_side_by_side(results: list[SetResult], console: Console) -> None:
    """The recording sets of one eval set, one column each."""
    table = Table(title=f"{results[0].evalset}: recording sets side by side (micro, interval)")
    table.add_column("metric")
    for result in results:
        table.add_column(result.recording_set.model, justify="right")
    shown = [r.report.estimates() for r in results]
    for name in results[0].report.metrics():
        table.add_row(name, *(e[name].shown() if name in e else "-" for e in shown))
    console.print(table)


def report_json(results: list[SetResult]) -> dict[str, Any]:
    """Per eval set, per recording set."""
    eval_sets: dict[str, Any] = {}
    for r in results:
        recording_sets = eval_sets.setdefault(r.evalset, {"recording_sets": {}})["recording_sets"]
        recording_sets[r.recording_set.name] = {
            **r.report.to_json(r.about),
            "below_thresholds": r.failures,
        }
    return {"eval_sets": eval_sets, "seconds": round(sum(r.about["seconds"] for r in results), 2)}


def _fmt(value: float | None, places: int = 2) -> str:
    return "-" if value is None else f"{value:.{places}f}"


def dump_json(path: Path, data: dict[str, Any]) -> None:
    write_atomic(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")

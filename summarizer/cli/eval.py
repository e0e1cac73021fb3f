"""`summarizer eval`: the extractor scored against the gold records of every eval set,
by replaying each of its recording sets (or recording one, or scoring a directory of
predictions)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from summarizer.cli.common import (
    EXIT_FAILED,
    EXIT_USAGE,
    clear_errors,
    fail,
    load_settings,
    notify,
)

if TYPE_CHECKING:
    from rich.console import Console

    from summarizer.evals import EvalSet, SetResult
    from summarizer.extract import Summarizer
    from summarizer.settings import Settings

# Options for those who record a model's answers and set its thresholds, shown apart.
MAINTENANCE = "Recording a set (maintainers)"
DEFAULT_EVALS_DIR = Path("evals")

Record = Annotated[
    bool,
    typer.Option(
        "--record",
        help="Run the real provider into its model's recording set of each eval set (or of --set)",
        rich_help_panel=MAINTENANCE,
    ),
]
RecordProvider = Annotated[
    str | None,
    typer.Option(help="With --record: the provider to record", rich_help_panel=MAINTENANCE),
]
SetModel = Annotated[
    str | None,
    typer.Option(help="Replay only this model's set; with --record: the model (openai)"),
]
EvalSetName = Annotated[
    str | None,
    typer.Option("--set", help="Only this eval set (a directory of --evals-dir, e.g. seed)"),
]
Predictions = Annotated[
    Path | None,
    typer.Option(help="Score this directory of contract JSON files instead (with --set)"),
]
Gates = Annotated[
    str | None,
    typer.Option(
        help="With --predictions: check them against this recording set's thresholds "
        "(e.g. claude-standin); exit 1 when below"
    ),
]
Report = Annotated[Path | None, typer.Option(help="Write the JSON report here")]
Out = Annotated[
    Path | None,
    typer.Option(help="Write each prediction here as <eval set>/<recording set>/<id>.json"),
]
EvalsDir = Annotated[
    Path,
    typer.Option(
        help="The eval sets, one directory each: corpus, gold, aliases and recordings "
        "(a checkout's evals/)"
    ),
]
UpdateThresholds = Annotated[
    bool,
    typer.Option(
        "--update-thresholds",
        help="Draw each recorded (or replayed) set's thresholds from its scores: for each, "
        "the lower of Wilson's bound on the micro counts and the article bootstrap's, at "
        "the set's level (95%), rounded down; for a corpus score, its value minus 0.1",
        rich_help_panel=MAINTENANCE,
    ),
]


def eval_command(
    record: Record = False,
    provider: RecordProvider = None,
    model: SetModel = None,
    set_name: EvalSetName = None,
    predictions: Predictions = None,
    gates: Gates = None,
    report: Report = None,
    out: Out = None,
    evals_dir: EvalsDir = DEFAULT_EVALS_DIR,
    update_thresholds: UpdateThresholds = False,
) -> None:
    """Score the extractor against the gold records of every eval set.

    Each eval set's recording sets (a model's recorded answers) are replayed. The eval
    data is a checkout's evals/: run from the checkout or pass --evals-dir.
    """
    if not evals_dir.is_dir():
        fail(
            f"no eval data in {evals_dir.resolve()} (one directory per eval set, each with "
            "corpus/, gold/, aliases.json): run from the project's checkout or pass "
            "--evals-dir DIR",
            EXIT_USAGE,
        )
    # The eval stack (scipy) is half a second of start-up that other commands never need.
    from rich.console import Console

    from summarizer import evals

    # The report is the output (`summarizer eval > eval.txt`), in a file as wide as its
    # tables, not wrapped at a terminal's default 80 columns.
    console = Console(width=None if sys.stdout.isatty() else 120)
    with clear_errors():
        started = time.perf_counter()
        evalsets = evals.eval_sets(evals_dir, set_name)
        if predictions is not None:
            score_predictions(predictions, only(evalsets), console, report, gates)
            return
        if record:
            summarizer = summarizer_for(load_settings(provider=provider, model=model))
            results = [evals.record_set(e, summarizer, update_thresholds) for e in evalsets]
        else:
            base = load_settings()
            results = [
                evals.replay_set(s, e, summarizer_for, base, update_thresholds)
                for e in evalsets
                for s in evals.choose(e.recordings, model)
            ]
        show_sets(results, console, report, out)
        typer.echo(f"eval took {time.perf_counter() - started:.2f} s", err=True)
        if record:
            check_recorded(results)
        check_sets(results)


def only(evalsets: list[EvalSet]) -> EvalSet:
    """The one eval set predictions are scored against."""
    if len(evalsets) != 1:
        names = ", ".join(e.name for e in evalsets) or "none"
        fail(f"--predictions scores one eval set: name it with --set ({names})", EXIT_USAGE)
    return evalsets[0]


def check_recorded(results: list[SetResult]) -> None:
    """Exit 1 when an eval set's recording run missed articles (its set left unchanged)."""
    incomplete = [
        f"{r.evalset}: no record for {', '.join(failed)}; the set {r.name} is unchanged"
        for r in results
        if (failed := r.report.failed_articles())
    ]
    if incomplete:
        fail(f"recording incomplete: {'; '.join(incomplete)}", EXIT_FAILED)


def summarizer_for(settings: Settings) -> Summarizer:
    """A set's summarizer: its provider is built on the first cache miss."""
    from summarizer.extract import Summarizer

    return Summarizer.from_settings(settings, notify=notify)


def score_predictions(
    predictions: Path,
    evalset: EvalSet,
    console: Console,
    report: Path | None,
    gates: str | None,
) -> None:
    """Contract JSON files made elsewhere, scored as a set's records are; with `gates`,
    checked against that recording set's thresholds."""
    from summarizer import evals

    scored = evals.score(evals.read_predictions(predictions, evalset.corpus), evalset)
    # `choose` refuses a name that matches no recording set.
    gate = None if gates is None else evals.choose(evalset.recordings, gates)[0]
    evals.render(scored, console, evalset.name, None if gate is None else gate.min)
    failures = [] if gate is None else gate.below(scored.metrics())
    if report is not None:
        about = {"eval_set": evalset.name, "predictions": str(predictions), "gates": gates}
        evals.dump_json(report, {**scored.to_json(about), "below_thresholds": failures})
    for failure in failures:
        typer.echo(f"summarizer: {evalset.name}/{gates}: below threshold: {failure}", err=True)
    if failures:
        raise typer.Exit(EXIT_FAILED)


def show_sets(
    results: list[SetResult], console: Console, report: Path | None, out: Path | None
) -> None:
    """Each set's scores (side by side when there are several), then the JSON report and
    the predictions where asked."""
    from summarizer import evals

    for result in results:
        evals.render(result.report, console, result.name, result.recording_set.min)
    for evalset in dict.fromkeys(r.evalset for r in results):
        side = [r for r in results if r.evalset == evalset]
        if len(side) > 1:
            evals.render_side_by_side(side, console)
    if report is not None:
        evals.dump_json(report, evals.report_json(results))
    if out is not None:
        for result in results:
            evals.save_predictions(result.report.outcomes, out / result.name)


def check_sets(results: list[SetResult]) -> None:
    """Exit 1 when a set's recordings no longer match the requests or it is below its
    thresholds, naming the set and what to do."""
    failed = False
    for result in results:
        name = result.name
        if result.report.stale_recordings():
            typer.echo(
                f"summarizer: {name}: no recording matches the current prompts, schema or "
                f"parameters (prompt_version {result.about['prompt_version']}); re-record with "
                f"`{result.rerecord}` and commit {result.recording_set.directory}",
                err=True,
            )
            failed = True
        for failure in result.failures:
            typer.echo(f"summarizer: {name}: below threshold: {failure}", err=True)
            failed = True
    if failed:
        raise typer.Exit(EXIT_FAILED)

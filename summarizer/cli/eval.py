"""`summarizer eval`: the extractor scored against the gold records, by replaying every
recording set (or recording one, or scoring a directory of predictions)."""

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
        help="Run the real provider into its model's recording set",
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
Predictions = Annotated[
    Path | None, typer.Option(help="Score this directory of contract JSON files instead")
]
Report = Annotated[Path | None, typer.Option(help="Write the JSON report here")]
Out = Annotated[Path | None, typer.Option(help="Write each prediction here as <set>/<id>.json")]
EvalsDir = Annotated[
    Path, typer.Option(help="Corpus, gold, aliases and recordings (a checkout's evals/)")
]
UpdateThresholds = Annotated[
    bool,
    typer.Option(
        "--update-thresholds",
        help="With --record: thresholds = scores - 0.02",
        rich_help_panel=MAINTENANCE,
    ),
]


def eval_command(
    record: Record = False,
    provider: RecordProvider = None,
    model: SetModel = None,
    predictions: Predictions = None,
    report: Report = None,
    out: Out = None,
    evals_dir: EvalsDir = DEFAULT_EVALS_DIR,
    update_thresholds: UpdateThresholds = False,
) -> None:
    """Score the extractor against the eval corpus's gold records.

    Every recording set (a model's recorded answers) is replayed. The eval data is a
    checkout's evals/: run from the checkout or pass --evals-dir.
    """
    if not (evals_dir / "corpus").is_dir():
        fail(
            f"no eval data in {evals_dir.resolve()} (corpus/, gold/, aliases.json): run from "
            "the project's checkout or pass --evals-dir DIR",
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
        evalset = evals.EvalSet.load(evals_dir)
        if predictions is not None:
            score_predictions(predictions, evalset, console, report)
            return
        root = evals_dir / "recordings"
        if record:
            summarizer = summarizer_for(load_settings(provider=provider, model=model))
            results = [evals.record_set(root, evalset, summarizer, update_thresholds)]
        else:
            base = load_settings()
            results = [
                evals.replay_set(s, evalset, summarizer_for, base)
                for s in evals.choose(root, model)
            ]
        show_sets(results, console, report, out)
        typer.echo(f"eval took {time.perf_counter() - started:.2f} s", err=True)
        failed = results[0].report.failed_articles()
        if record and failed:
            fail(
                f"recording incomplete: no record for {', '.join(failed)}; the set "
                f"{results[0].recording_set.name} is unchanged",
                EXIT_FAILED,
            )
        check_sets(results)


def summarizer_for(settings: Settings) -> Summarizer:
    """A set's summarizer: its provider is built on the first cache miss."""
    from summarizer.extract import Summarizer

    return Summarizer.from_settings(settings, notify=notify)


def score_predictions(
    predictions: Path, evalset: EvalSet, console: Console, report: Path | None
) -> None:
    """Contract JSON files made elsewhere, scored as a set's records are."""
    from summarizer import evals

    scored = evals.score(evals.read_predictions(predictions, evalset.corpus), evalset)
    evals.render(scored, console)
    if report is not None:
        evals.dump_json(report, scored.to_json({"predictions": str(predictions)}))


def show_sets(
    results: list[SetResult], console: Console, report: Path | None, out: Path | None
) -> None:
    """Each set's scores (side by side when there are several), then the JSON report and
    the predictions where asked."""
    from summarizer import evals

    for result in results:
        evals.render(result.report, console, result.recording_set.model)
    if len(results) > 1:
        evals.render_side_by_side(results, console)
    if report is not None:
        evals.dump_json(report, evals.report_json(results))
    if out is not None:
        for result in results:
            evals.save_predictions(result.report.outcomes, out / result.recording_set.name)


def check_sets(results: list[SetResult]) -> None:
    """Exit 1 when a set's recordings no longer match the requests or it is below its
    thresholds, naming the set and what to do."""
    failed = False
    for result in results:
        name = result.recording_set.model
        if result.report.stale_recordings():
            typer.echo(
                f"summarizer: {name}: no recording matches the current prompts, schema or "
                f"parameters (prompt_version {result.about['prompt_version']}); re-record with "
                f"`{result.rerecord}` and commit evals/recordings",
                err=True,
            )
            failed = True
        for failure in result.failures:
            typer.echo(f"summarizer: {name}: below threshold: {failure}", err=True)
            failed = True
    if failed:
        raise typer.Exit(EXIT_FAILED)

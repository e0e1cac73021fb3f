"""What several commands share: the exit codes, one-line errors, the settings and the
options they declare alike. It imports typer alone, so `--help` loads no stage."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

if TYPE_CHECKING:
    from summarizer.settings import Settings

EXIT_FAILED = 1
EXIT_USAGE = 2
# `batch` left articles undone (`--max-cost` reached, or `--via batch-api`'s one batch a run
# full): not an error, and not the end either: the same command again continues them.
EXIT_UNDONE = 3

ProviderName = Annotated[
    str | None, typer.Option(help="Provider name (`summarizer providers` lists them)")
]
ModelName = Annotated[str | None, typer.Option(help="Model name (openai provider)")]
Passes = Annotated[
    int | None,
    typer.Option(min=1, max=10, help="Extraction passes, merged \\[default: SUMMARIZER_PASSES]"),
]
NoCache = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the cache")]


def fail(message: str, code: int) -> NoReturn:
    typer.echo(f"summarizer: error: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def clear_errors() -> Iterator[None]:
    """Every known failure becomes one line on stderr and an exit code, never a traceback."""
    from pydantic import ValidationError

    from summarizer.core import ConfigError, InputError, SummarizerError

    try:
        yield
    except (InputError, ConfigError) as exc:
        fail(str(exc), EXIT_USAGE)
    except SummarizerError as exc:
        fail(str(exc), EXIT_FAILED)
    except ValidationError as exc:  # a bad environment variable
        fail(setting_problem(exc.errors()), EXIT_USAGE)


def setting_problem(errors: Sequence[Mapping[str, Any]]) -> str:
    """A bad setting, named as the environment variable that set it."""
    from summarizer.core import first_problem
    from summarizer.settings import env_name

    named = [{**e, "loc": (env_name(str(e["loc"][0])), *e["loc"][1:])} for e in errors[:1]]
    return first_problem(named, "the settings")


def load_settings(**overrides: Any) -> Settings:
    """The environment's settings, with the options the user gave."""
    from summarizer.settings import Settings

    return Settings().model_copy(update={k: v for k, v in overrides.items() if v is not None})


def notify(line: str) -> None:
    """A notice for the user (the demo model's), on stderr so stdout stays the output."""
    typer.echo(line, err=True)


def emit(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))

"""`summarizer providers`: the registered providers, whether each can run here, what it
can do and needs, and which one a command uses when no --provider is given."""

from __future__ import annotations

from typing import TYPE_CHECKING

from summarizer.cli.common import clear_errors, load_settings

if TYPE_CHECKING:
    from rich.table import Table

    from summarizer.providers import ProviderSpec
    from summarizer.settings import Settings


def providers() -> None:
    """List the registered providers: available here, their capabilities, the default."""
    from rich.console import Console

    from summarizer.core import ConfigError
    from summarizer.providers import registered, require_usable
    from summarizer.providers.router import chosen

    with clear_errors():
        settings = load_settings()
        specs = registered()
        console = Console()
        default: str | None = chosen(settings).name  # a configured one must be known
        missing = None
        try:
            require_usable(settings)
        except ConfigError as exc:  # none can run: no default, and the ways out below
            default, missing = None, str(exc)
        console.print(capabilities(specs, settings, default))
        console.print(summaries(specs))
        if missing is not None:
            console.print(f"\n{missing}", markup=False, highlight=False)


def capabilities(specs: list[ProviderSpec], settings: Settings, default: str | None) -> Table:
    """A row per provider: yes or no for each mark, and its token budgets as these settings
    give them. Narrow enough for 80 columns: the summaries follow on their own."""
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD)
    for header in ("provider", "default", "available", "concurrent", "batch\nAPI"):
        table.add_column(header, no_wrap=True)
    for header in ("answer\ntokens", "context\ntokens"):
        table.add_column(header, justify="right", no_wrap=True)
    for spec in specs:
        able = spec.capabilities
        batch = able.batch_api is not None
        marks = (spec.name == default, spec.available(settings), able.concurrent, batch)
        context = able.context_tokens(settings) if able.context_tokens is not None else None
        table.add_row(
            spec.name,
            *("yes" if mark else "no" for mark in marks),
            str(able.answer_budget(settings)),
            "-" if context is None else str(context),
        )
    return table


def summaries(specs: list[ProviderSpec]) -> Table:
    """What each provider is and what it needs to run, a line each (wrapped on a narrow
    terminal)."""
    from rich.table import Table
    from rich.text import Text

    table = Table.grid(padding=(0, 2), pad_edge=True)
    table.add_column(no_wrap=True)
    table.add_column()
    for spec in specs:
        table.add_row(spec.name, spec.summary)
        if spec.needs:
            table.add_row("", Text(f"needs {spec.needs}"))  # as written: no markup
    return table

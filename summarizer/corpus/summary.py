"""A corpus for people: a short summary (counts, the actors named most often and how
their names were joined, the threats reported most often) and the JSON file."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table

from summarizer.core import Corpus, InputError
from summarizer.record import write_atomic

SHOWN = 10  # rows of each table
ACTION_WIDTH = 60


def render_summary(corpus: Corpus, console: Console) -> None:
    mentions = sum(len(a.mentions) for a in corpus.actors)
    reports = sum(len(e.reports) for e in corpus.ledger)
    console.print(
        f"{mentions} actor mentions in {len(corpus.actors)} canonical actors; "
        f"{reports} threats in {len(corpus.ledger)} ledger entries"
    )
    console.print(_actors(corpus))
    console.print(_ledger(corpus))


def _actors(corpus: Corpus) -> Table:
    joined = [a for a in corpus.actors if a.merges]
    table = Table(title=f"actors named in more than one entry ({len(joined)}; the first {SHOWN})")
    for column in ("id", "name", "mentions", "joined by"):
        table.add_column(column)
    for actor in sorted(joined, key=lambda a: (-len(a.mentions), a.id))[:SHOWN]:
        rules = Counter(m.rule for m in actor.merges)
        how = ", ".join(f"{rule} ×{n}" for rule, n in sorted(rules.items()))
        table.add_row(actor.id, actor.name, str(len(actor.mentions)), how)
    return table


def _ledger(corpus: Corpus) -> Table:
    table = Table(title=f"ledger entries, most reported first (the first {SHOWN})")
    for column in ("id", "issuer", "action", "reports", "reported", "follows"):
        table.add_column(column)
    for entry in sorted(corpus.ledger, key=lambda e: (-len(e.reports), e.id))[:SHOWN]:
        first, last = entry.first_reported, entry.last_reported
        dates = "-" if first is None else str(first) if first == last else f"{first} to {last}"
        action = (
            entry.action
            if len(entry.action) <= ACTION_WIDTH
            else entry.action[: ACTION_WIDTH - 1] + "…"
        )
        table.add_row(
            entry.id, entry.issuer.name, action, str(len(entry.reports)), dates, entry.follows or ""
        )
    return table


def write_corpus(corpus: Corpus, out: Path) -> None:
    """The corpus as a JSON file, written whole or not at all."""
    try:
        write_atomic(out, corpus.model_dump_json(indent=2) + "\n")
    except OSError as exc:
        raise InputError(f"cannot write {out}: {exc.strerror or exc}") from None

"""Many records become one corpus: canonical actors (one actor however many articles name
it, and how), a threat ledger (one threat however many articles report it) and the tables
an analyst opens in DuckDB, a notebook or a spreadsheet (`export`), keyed alike."""

# The corpus's types are core's (the API documents its ledger without importing this
# package and what it pulls in); they are this package's answer, so named here too.
from summarizer.core import (
    ActorRef,
    CanonicalActor,
    Corpus,
    LedgerEntry,
    Mention,
    Merge,
    Report,
)
from summarizer.corpus.aliases import UserAliases, load_aliases
from summarizer.corpus.build import build_corpus, read_corpus
from summarizer.corpus.export import TABLES, export_results
from summarizer.corpus.summary import render_summary, write_corpus

__all__ = [
    "TABLES",
    "ActorRef",
    "CanonicalActor",
    "Corpus",
    "LedgerEntry",
    "Mention",
    "Merge",
    "Report",
    "UserAliases",
    "build_corpus",
    "export_results",
    "load_aliases",
    "read_corpus",
    "render_summary",
    "write_corpus",
]

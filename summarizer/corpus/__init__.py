"""Many records become one corpus: the tables an analyst opens in DuckDB, a notebook or a
spreadsheet (`export`). Canonical actors and a threat ledger across articles will live
here too, as more columns keyed the same way."""

from summarizer.corpus.export import TABLES, export_results

__all__ = ["TABLES", "export_results"]

"""Output as pages: a record as self-contained HTML with its quotes highlighted in the
article (`page`, `highlight`), and a results file as pages with an index (`files`)."""

from summarizer.view.files import Texts, read_entries, write_pages
from summarizer.view.page import IndexRow, page_name, render_index, render_record

__all__ = [
    "IndexRow",
    "Texts",
    "page_name",
    "read_entries",
    "render_index",
    "render_record",
    "write_pages",
]

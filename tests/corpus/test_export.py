"""`summarizer export`: the tables give back every record and error line in all three
formats, the README's queries run on them, and bad input is one line."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import duckdb
import pytest

from summarizer.core import SummaryRecord
from summarizer.corpus import TABLES
from summarizer.corpus.export import ARTICLE_KEY, ITEM_TABLES, NAMES, WHEN
from summarizer.io import ErrorLine, ResultFile, ResultLine, iter_results
from tests.cli.invoke import one_line_error, run
from tests.paths import CHECKOUT, CORPUS
from tests.test_docs import fences

FORMATS = ["csv", "parquet", "duckdb"]
CORPUS_IDS = {"canonical_id", "ledger_id"}
Row = dict[str, Any]


def edge_cases(record: SummaryRecord) -> list[SummaryRecord]:
    """What CSV and a flat table could lose: empty strings beside nulls, commas, quotes,
    newlines and 'NULL' in names, quotes not grounded, intervals, a record with no items."""
    data = record.model_dump(mode="json")
    data["article"].update(id="edge", title="", url='https://example.org/a,b?q="x"')
    data["summary"] = 'One, "two".\nThree NULL'
    data["warnings"] = ["a, b", "", 'say "x"']
    data["actors"][0]["aliases"] = ["O’Brien, the boss", "NULL", ""]
    data["actors"][0]["evidence"][0] = {
        "quote": "a quote the article lacks",
        "start": None,
        "end": None,
        "grounded": False,
    }
    data["events"][0]["when"] = {
        "text": "from 3 to 5 May",
        "date": "2025-05-03",
        "end_date": "2025-05-05",
        "precision": "day",
    }
    data["events"][1]["when"] = None
    empty = record.model_dump(mode="json")
    empty["article"].update(id="empty", published_at=None, source=None)
    empty.update(actors=[], locations=[], events=[], threats=[], warnings=[])
    return [SummaryRecord.model_validate(d) for d in (data, empty)]


@pytest.fixture
def results(tmp_path: Path) -> Path:
    """The seed corpus through replay, one unrecorded article (an error line), and the
    edge cases."""
    extra = tmp_path / "extra.txt"
    extra.write_text("An article nobody recorded.")
    path = tmp_path / "results.jsonl"
    code, _, _ = run("batch", str(CORPUS), str(extra), "--out", str(path), "--provider", "replay")
    assert code == 1  # the unrecorded article failed
    first = next(
        line
        for line in iter_results(path)
        if isinstance(line, SummaryRecord) and line.article.id == "000"
    )
    written = ResultFile(path)
    for record in edge_cases(first):
        written.append(record)
    written.close()
    return path


def export(results: Path, out: Path, fmt: str, *options: str) -> tuple[int, str, str]:
    return run("export", str(results), "-o", str(out), "--format", fmt, *options)


def literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def open_tables(out: Path, fmt: str) -> duckdb.DuckDBPyConnection:
    """The export as DuckDB sees it, as an analyst opens each format."""
    if fmt == "duckdb":
        return duckdb.connect(out / "corpus.duckdb", read_only=True)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    for table, columns in TABLES.items():
        if fmt == "parquet":
            source = f"read_parquet({literal(out / f'{table}.parquet')})"
            replaced = ""
        else:  # lists are JSON arrays; a quoted empty field is an empty string, not null
            types = ", ".join(
                f"'{c}': '{'VARCHAR' if kind == NAMES else kind}'" for c, kind in columns.items()
            )
            source = (
                f"read_csv({literal(out / f'{table}.csv')}, header = true, "
                f"columns = {{{types}}}, allow_quoted_nulls = false)"
            )
            lists = [
                f"""from_json("{c}", '["VARCHAR"]') AS "{c}\""""
                for c, kind in columns.items()
                if kind == NAMES
            ]
            replaced = f" REPLACE ({', '.join(lists)})" if lists else ""
        con.execute(f"CREATE VIEW {table} AS SELECT *{replaced} FROM {source}")
    return con


def rows(con: duckdb.DuckDBPyConnection, table: str) -> list[Row]:
    relation = con.sql(f"SELECT * FROM {table} ORDER BY ALL")
    return [dict(zip(relation.columns, values, strict=True)) for values in relation.fetchall()]


def rebuild(con: duckdb.DuckDBPyConnection) -> list[ResultLine]:
    """Every line of the results file, in its order, from the tables alone."""
    quotes: dict[tuple[str, str, int], list[Row]] = defaultdict(list)
    for row in sorted(rows(con, "evidence"), key=lambda r: r["evidence_item"]):
        key = (row["article_id"], row["item_table"], row["item"])
        quotes[key].append(
            {
                "quote": row["quote"],
                "start": row["quote_start"],
                "end": row["quote_end"],
                "grounded": row["grounded"],
            }
        )
    items: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for table in ITEM_TABLES:
        for row in sorted(rows(con, table), key=lambda r: r["item"]):
            evidence = quotes[(row["article_id"], table, row["item"])]
            items[(row["article_id"], table)].append(item(row, evidence))
    lines: list[tuple[int, ResultLine]] = [
        (row["line"], record(row, items)) for row in rows(con, "articles")
    ]
    lines += [(row["line"], error(row)) for row in rows(con, "errors")]
    return [line for _, line in sorted(lines, key=lambda pair: pair[0])]


def item(row: Row, evidence: list[Row]) -> Row:
    """An item as its record has it: without its article's key, or the corpus's ids."""
    own = {k: v for k, v in row.items() if k not in ARTICLE_KEY and k not in CORPUS_IDS}
    own.pop("item")
    if "when_text" in row:
        when = {column.removeprefix("when_"): own.pop(column) for column in WHEN}
        own["when"] = when if when["text"] is not None else None
    return {**own, "evidence": evidence}


def record(row: Row, items: dict[tuple[str, str], list[Row]]) -> SummaryRecord:
    article = ("title", "url", "published_at", "language", "source")
    provenance = (
        "provider",
        "model",
        "prompt_version",
        "created_at",
        "cached",
        "cost_usd",
        "content_id",
    )
    usage = ("prompt_tokens", "completion_tokens", "cached_prompt_tokens")
    return SummaryRecord.model_validate(
        {
            "schema_version": row["schema_version"],
            "article": {"id": row["article_id"], **{k: row[k] for k in article}},
            "summary": row["summary"],
            **{table: items[(row["article_id"], table)] for table in ITEM_TABLES},
            "provenance": {
                **{k: row[k] for k in provenance},
                "usage": {k: row[k] for k in usage},
            },
            "warnings": row["warnings"],
        }
    )


def error(row: Row) -> ErrorLine:
    detail = {"type": row["error_type"], "message": row["message"]}
    return ErrorLine.model_validate(
        {"id": row["article_id"], "source": row["source"], "error": detail}
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_tables_give_back_every_record_and_error_line(
    results: Path, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / "tables"
    code, stdout, stderr = export(results, out, fmt)
    assert code == 0, stderr
    assert stdout.startswith(f"wrote {out} ({fmt}): 7 articles,") and "1 errors" in stdout
    original = list(iter_results(results))
    assert len(original) == 8 and sum(isinstance(line, ErrorLine) for line in original) == 1
    with open_tables(out, fmt) as con:
        assert rebuild(con) == original
    # Only the tables: the work files stay out of the directory.
    suffix = {"csv": ".csv", "parquet": ".parquet"}.get(fmt)
    expected = [f"{t}{suffix}" for t in TABLES] if suffix else ["corpus.duckdb"]
    assert sorted(p.name for p in out.iterdir()) == sorted(expected)


def readme_queries() -> list[str]:
    return fences((CHECKOUT / "README.md").read_text(encoding="utf-8"), "sql")


def test_the_readme_queries_run_on_an_export(results: Path, tmp_path: Path) -> None:
    out = tmp_path / "tables"
    assert export(results, out, "duckdb")[0] == 0
    by_month, conditional, reporting, one_entry = readme_queries()
    with open_tables(out, "duckdb") as con:
        months = con.sql(by_month)
        assert months.columns == ["issuer", "month", "threats"]
        counted = months.fetchall()
        # Kataib Hezbollah's threat is one entry for 000, 001 and the edge-case copy of 000,
        # whose spelling ("Kataib Hizbollah", as 000's) then ties and leads the display name.
        assert ("Kataib Hizbollah", "2025-06", 1) in counted
        assert sum(n for *_, n in counted) == len(rows(con, "ledger")) < len(rows(con, "threats"))
        against = con.sql(conditional)
        assert against.columns == ["article_id", "issuer", "condition"]
        assert {row[0] for row in against.fetchall()} >= {"000", "001", "003", "004"}
        articles = con.sql(reporting)
        assert articles.columns == ["article_id", "published_at", "when_date", "speaker"]
        assert [row[0] for row in articles.fetchall()] == ["000", "edge", "001"]
        entry = con.sql(one_entry)
        assert entry.columns == ["ledger_id", "issuer", "article_id", "published_at", "speaker"]
        reports = entry.fetchall()
        assert {row[0] for row in reports} == {"000/threats/0"}
        assert [row[2] for row in reports] == ["000", "edge", "001"]


def test_actor_and_threat_rows_carry_their_corpus_ids(results: Path, tmp_path: Path) -> None:
    out = tmp_path / "tables"
    assert export(results, out, "parquet")[0] == 0
    with open_tables(out, "parquet") as con:
        orphans = con.sql(
            "SELECT count(*) FROM actors a ANTI JOIN canonical_actors c USING (canonical_id)"
        ).fetchall()
        assert orphans == [(0,)]
        miscounted = con.sql(
            "SELECT canonical_id FROM canonical_actors c JOIN actors a USING (canonical_id) "
            "GROUP BY canonical_id, c.mentions HAVING c.mentions <> count(*)"
        ).fetchall()
        assert miscounted == []
        ids = con.sql(
            "SELECT DISTINCT t.ledger_id FROM threats t JOIN ledger_reports r "
            "ON t.article_id = r.article_id AND t.item = r.item AND t.ledger_id = r.ledger_id"
        ).fetchall()
        assert len(ids) == len(rows(con, "ledger"))
        kataib = "SELECT canonical_id FROM actors WHERE article_id = '001' AND item = 0"
        merged = con.sql(
            f"SELECT rule FROM actor_merges WHERE canonical_id = ({kataib})"
        ).fetchall()
        # 000 and its edge-case copy ("Kataib Hizbollah"), 001 ("Kataib Hezbollah").
        assert sorted(rule for (rule,) in merged) == ["fuzzy 93", "same name"]


def test_bad_input_is_one_line_and_exit_2(results: Path, tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("Not a results file.\n")
    out = tmp_path / "tables"
    cases = [
        (export(tmp_path / "missing.jsonl", out, "csv"), "missing.jsonl: no such file"),
        (export(tmp_path, out, "csv"), "no shards (RUN-HASH.jsonl); export takes"),
        (export(text, out, "csv"), "notes.txt:1 is not JSON"),
        (export(results, out, "xlsx"), "unknown export format 'xlsx': choose one of csv"),
        (export(results, text, "csv"), "notes.txt is a file: -o takes a directory"),
    ]
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    cases.append((export(empty, out, "csv"), "empty.jsonl has no result lines"))
    twice = tmp_path / "twice.jsonl"
    twice.write_bytes(results.read_bytes() * 2)
    cases.append((export(twice, out, "csv"), "is on two lines; the tables are keyed by article id"))
    for (code, stdout, stderr), fragment in cases:
        assert code == 2 and stdout == ""
        one_line_error(stderr, fragment)
    assert not out.exists()  # nothing is written by a failed export


def test_a_directory_with_files_needs_force_which_replaces_only_the_tables(
    results: Path, tmp_path: Path
) -> None:
    out = tmp_path / "tables"
    out.mkdir()
    (out / "notes.txt").write_text("the analyst's own file")
    (out / "threats.parquet").write_text("an old export")
    code, _, stderr = export(results, out, "parquet")
    assert code == 2
    one_line_error(stderr, "tables is not empty: choose a new directory, or --force")
    assert export(results, out, "parquet", "--force")[0] == 0
    assert (out / "notes.txt").read_text() == "the analyst's own file"
    with open_tables(out, "parquet") as con:
        assert len(rows(con, "threats")) > 0
    assert not [p for p in out.iterdir() if p.name.startswith(".")]

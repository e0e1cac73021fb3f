"""`summarizer corpus`: the corpus JSON to a file or stdout, a summary, the user's alias
file, and bad input as one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.core import InputError
from summarizer.corpus import Corpus
from summarizer.io import ResultFile, error_line
from tests.cli.invoke import one_line_error, run
from tests.corpus.records import KH, US, actor, record, threat


@pytest.fixture
def results(tmp_path: Path) -> Path:
    path = tmp_path / "results.jsonl"
    written = ResultFile(path)
    written.append(record("a", [actor("KH", country="IQ"), US], [threat("KH", ["US"])]))
    written.append(record("b", [KH, US], [threat("Kataib Hezbollah", ["United States"])]))
    written.append(error_line("c", InputError("empty text")))
    written.close()
    return path


def test_the_corpus_goes_to_out_and_a_summary_to_stdout(results: Path, tmp_path: Path) -> None:
    out = tmp_path / "corpus.json"
    code, stdout, stderr = run("corpus", str(results), "-o", str(out))
    assert code == 0, stderr
    corpus = Corpus.model_validate_json(out.read_text(encoding="utf-8"))
    assert len(corpus.actors) == 3 and len(corpus.ledger) == 2
    assert stdout.startswith("4 actor mentions in 3 canonical actors; 2 threats in 2 ledger")
    assert "united-states/state/US" in stdout and "same name ×1" in stdout


def test_without_out_the_json_goes_to_stdout_and_the_summary_to_stderr(results: Path) -> None:
    code, stdout, stderr = run("corpus", str(results))
    assert code == 0
    assert Corpus.model_validate(json.loads(stdout))
    assert "canonical actors" in stderr


def test_the_users_alias_file_joins_names(results: Path, tmp_path: Path) -> None:
    aliases = tmp_path / "aliases.json"
    aliases.write_text(json.dumps({"same": [["KH", "Kataib Hezbollah"]]}), encoding="utf-8")
    out = tmp_path / "corpus.json"
    assert run("corpus", str(results), "--aliases", str(aliases), "-o", str(out))[0] == 0
    corpus = Corpus.model_validate_json(out.read_text(encoding="utf-8"))
    kataib = next(a for a in corpus.actors if a.type == "armed_group")
    assert [m.rule for m in kataib.merges] == ["user alias"]
    assert [len(e.reports) for e in corpus.ledger] == [2]


def test_bad_input_is_one_line_and_exit_2(results: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Not a results file.\n")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"same": "KH"}), encoding="utf-8")
    errors_only = tmp_path / "errors.jsonl"
    errors_only.write_text(results.read_text().splitlines()[-1] + "\n")
    twice = tmp_path / "twice.jsonl"
    twice.write_text(results.read_text() * 2)
    cases = [
        (run("corpus", str(tmp_path / "missing.jsonl")), "missing.jsonl: no such file"),
        (run("corpus", str(tmp_path)), "no shards (RUN-HASH.jsonl); corpus takes"),
        (run("corpus", str(notes)), "notes.txt:1 is not JSON"),
        (run("corpus", str(errors_only)), "errors.jsonl has no records"),
        (run("corpus", str(twice)), "article id 'a' is in two records"),
        (run("corpus", str(results), "--aliases", str(tmp_path / "none.json")), "cannot read"),
        (run("corpus", str(results), "--aliases", str(broken)), "broken.json is not a user alias"),
        (run("corpus", str(results), "--aliases", str(wrong)), "same: must be a list"),
        (run("corpus", str(results), "-o", str(tmp_path)), "cannot write"),
    ]
    for (code, stdout, stderr), fragment in cases:
        assert code == 2 and stdout == "", stderr
        one_line_error(stderr, fragment)

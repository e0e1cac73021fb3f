import sys
from pathlib import Path

import pytest

from summarizer.batch import item_for, run_ray
from summarizer.core import ArticleRequest, ConfigError
from summarizer.io import ResultFile
from summarizer.settings import Settings


def test_without_ray_the_engine_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now fails
    results = ResultFile(tmp_path / "out.jsonl")
    items = [item_for(ArticleRequest(text="An article."))]
    with pytest.raises(ConfigError, match=r"pip install -e '\.\[ray\]'"):
        run_ray(Settings(), items, results, workers=1, concurrency=1)
    results.close()

import sys
from pathlib import Path

import pytest

from summarizer.batch import Fields, list_inputs, run_ray
from summarizer.core import ConfigError
from summarizer.settings import Settings


def test_without_ray_the_engine_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now fails
    article = tmp_path / "a.txt"
    article.write_text("An article.")
    inputs = list_inputs([article], None, Fields())
    with pytest.raises(ConfigError, match=r"pip install -e '\.\[ray\]'"):
        run_ray(Settings(), inputs, tmp_path / "out", workers=1, concurrency=1)
    assert not (tmp_path / "out").exists()

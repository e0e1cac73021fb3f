"""Cold start: `summarizer --help`, importing the CLI, loading the local model, and a first
uncached `summarize` of article 000 in a fresh process, each as a ratio to starting a bare
Python interpreter in the same run.

    python -m bench.cold_start
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

from bench.common import report
from summarizer.evalset import EVALS_DIR

RUNS = 5
LOAD = (
    "from summarizer.providers.local_handler import demo_model_path; "
    "from summarizer.providers.local_model import LocalModel, ModelConfig; "
    "LocalModel(ModelConfig(str(demo_model_path()), 8192, None, 'auto'))"
)


def wall(command: list[str], runs: int = RUNS, env: dict[str, str] | None = None) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    article = str(EVALS_DIR / "corpus" / "000_d82f81b60eb39696.txt")
    summarize = [
        sys.executable,
        "-m",
        "summarizer",
        "summarize",
        article,
        "--published-at",
        "2025-06-15",
        "--provider",
        "local",
    ]
    baseline = wall([sys.executable, "-c", "pass"])
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "SUMMARIZER_CACHE_DIR": cache}
        measured = {
            "python -c pass (baseline)": baseline,
            "summarizer --help": wall([sys.executable, "-m", "summarizer", "--help"]),
            "import summarizer.cli": wall([sys.executable, "-c", "import summarizer.cli"]),
            "load the local model": wall([sys.executable, "-c", LOAD]),
            # The first run fills the cache that the next runs hit.
            "first summarize, uncached (load + generate)": wall(summarize, runs=1, env=env),
            "summarize, cache hit (no model load)": wall(summarize, env=env),
        }
    rows = [
        {"what": name, "seconds": round(s, 3), "ratio to bare python": round(s / baseline, 1)}
        for name, s in measured.items()
    ]
    report("cold_start", "Cold start (median of 5 runs; the uncached summarize once)", rows)


if __name__ == "__main__":
    main()

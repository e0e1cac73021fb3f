"""Cold start: `summarizer --help`, importing the CLI, cache hits (beside the floor that any
typer command reading pydantic-settings pays, `bench/floor_cli.py`), loading the local
model, and a first uncached `summarize` of article 000, each in a fresh process and as a
ratio to starting a bare Python interpreter in the same run.

    python -m bench.cold_start
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

from bench.common import RECORDINGS, SEED, report

RUNS = 11
LOAD = (
    "from summarizer.providers.local_handler import demo_model_path; "
    "from summarizer.providers.local_model import LocalModel, ModelConfig; "
    "LocalModel(ModelConfig(str(demo_model_path()), 8192, None, 'auto'))"
)
ARTICLE = str(SEED / "corpus" / "000_d82f81b60eb39696.txt")


def summarize(provider: str) -> list[str]:
    command = ["summarize", ARTICLE, "--published-at", "2025-06-15", "--provider", provider]
    return [sys.executable, "-m", "summarizer", *command]


def run(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    return time.perf_counter() - started


def medians(commands: dict[str, list[str]], env: dict[str, str]) -> dict[str, float]:
    """Median wall time of each command over RUNS rounds that run them all in turn, so a
    machine that slows down mid-run slows every command alike."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(RUNS):
        for name, command in commands.items():
            times[name].append(run(command, env))
    return {name: statistics.median(runs) for name, runs in times.items()}


def main() -> None:
    with tempfile.TemporaryDirectory() as cache:
        # As after a normal install, modules are imported from their bytecode cache: this
        # sandbox sets PYTHONDONTWRITEBYTECODE, which would recompile the package every run.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["SUMMARIZER_CACHE_DIR"] = cache
        env["SUMMARIZER_RECORDINGS_DIR"] = str(RECORDINGS)
        # The first runs compile the bytecode and fill the cache the hits then read.
        uncached = run(summarize("local"), env)
        run(summarize("replay"), env)
        measured = medians(
            {
                "python -c pass (baseline)": [sys.executable, "-c", "pass"],
                "summarizer --help": [sys.executable, "-m", "summarizer", "--help"],
                "import summarizer.cli": [sys.executable, "-c", "import summarizer.cli"],
                "summarize, cache hit, local provider": summarize("local"),
                "summarize, cache hit, replay provider": summarize("replay"),
                "floor: typer command reading pydantic-settings": [
                    sys.executable,
                    "-m",
                    "bench.floor_cli",
                    "summarize",
                    ARTICLE,
                    "--published-at",
                    "2025-06-15",
                ],
                "load the local model": [sys.executable, "-c", LOAD],
            },
            env,
        )
    measured["first summarize, uncached, local (load + generate)"] = uncached
    bare, help_ = measured["python -c pass (baseline)"], measured["summarizer --help"]
    rows = [
        {
            "what": name,
            "seconds": round(seconds, 3),
            "ratio to bare python": round(seconds / bare, 1),
            "ratio to --help": round(seconds / help_, 2),
        }
        for name, seconds in measured.items()
    ]
    title = f"Cold start (median of {RUNS} interleaved runs; the uncached summarize once)"
    report("cold_start", title, rows)


if __name__ == "__main__":
    main()

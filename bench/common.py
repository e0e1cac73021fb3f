"""What every benchmark shares: the machine it ran on, a printed table, a JSON result, and
the stub model endpoint in a process of its own."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from rich.console import Console
from rich.table import Table

from summarizer.settings import Settings

RESULTS = Path(__file__).resolve().parent / "results"
# The checkout's eval data: the benchmarks run from a checkout, and the package itself
# resolves nothing from there.
SEED = Path(__file__).resolve().parent.parent / "evals" / "seed"
RECORDINGS = SEED / "recordings" / "claude-standin"


def machine() -> dict[str, Any]:
    meminfo = Path("/proc/meminfo")
    total = meminfo.read_text().splitlines()[0].split()[1] if meminfo.exists() else "?"
    return {
        "cpus": os.cpu_count(),
        "memory_kib": total,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def report(name: str, title: str, rows: list[dict[str, Any]], **extra: Any) -> None:
    table = Table(title=title)
    for column in rows[0]:
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(*(f"{v:.3g}" if isinstance(v, float) else str(v) for v in row.values()))
    Console(width=160).print(table)
    RESULTS.mkdir(exist_ok=True)
    data = {"benchmark": name, "machine": machine(), "rows": rows, **extra}
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


@contextmanager
def stub_process(*options: str) -> Iterator[str]:
    """`bench.stub_server` with these options in its own process (so that the client's
    work is what is measured); its base URL, for as long as the block runs."""
    stub = subprocess.Popen(
        [sys.executable, "-m", "bench.stub_server", *options], stdout=subprocess.PIPE, text=True
    )
    try:
        yield stub.stdout.readline().strip() if stub.stdout else ""
    finally:
        stub.terminate()
        stub.wait()


def stub_settings(url: str, **overrides: Any) -> Settings:
    """The openai provider's settings against a stub at `url`, model "stub"."""
    return Settings(
        provider="openai",
        openai_api_key=SecretStr("bench"),
        openai_base_url=url,
        model="stub",
        timeout=30,
        **overrides,
    )

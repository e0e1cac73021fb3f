"""The Ray engine past one machine: a real two-node cluster (`ray.cluster_utils.Cluster`,
a head and a second node, one CPU each, on this machine), the command run as a process of
its own against it, as a user runs it with `--ray-address`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bench.stub_server import StubConfig, StubServer
from summarizer.cli import app
from summarizer.io import done_ids, iter_results, line_id, shards
from tests.batch.test_ray_engine import entries
from tests.conftest import CORPUS

pytest.importorskip("ray", reason="the ray extra is not installed")

# A synthetic article of ~19 KB, in one piece (SUMMARIZER_CHUNK_CHARS below): the stub
# answers at once, so the run's cost is the engine's.
TEXT = "Two armed drones targeted Ain al-Asad air base on Tuesday. Nobody was hurt. " * 250


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    from ray.cluster_utils import Cluster

    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1})
    cluster.add_node(num_cpus=1)  # a worker claims a CPU: one worker on each node
    cluster.wait_for_nodes()
    yield cluster
    cluster.shutdown()


def start_command(args: list[str], out: Path, **env: str) -> subprocess.Popen[bytes]:
    """`summarizer batch ... --out out --engine ray` as its own process on the cluster's
    two workers, its stderr beside `out`."""
    command = [sys.executable, "-m", "summarizer", "batch", *args, "--out", str(out)]
    command += ["--engine", "ray", "--ray-workers", "2", "--no-cache"]
    with (out.parent / f"{out.name}.stderr").open("w") as stderr:
        return subprocess.Popen(
            command, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=stderr
        )


def run_command(args: list[str], out: Path, **env: str) -> tuple[int, int]:
    """The command run to its end: its exit code and its peak resident memory (KiB)."""
    process = start_command(args, out, **env)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, usage.ru_maxrss


def synthetic(path: Path, count: int) -> Path:
    with path.open("w") as handle:
        for n in range(count):
            handle.write(json.dumps({"id": f"a{n}", "text": f"Article {n}. {TEXT}"}) + "\n")
    return path


@pytest.fixture
def stub() -> Iterator[dict[str, str]]:
    """The environment of a run against the stub, which answers at once."""
    with StubServer(StubConfig()) as server:
        yield {
            "OPENAI_BASE_URL": server.url,
            "OPENAI_API_KEY": "sk-test",
            "SUMMARIZER_MODEL": "stub-model",
            "SUMMARIZER_CHUNK_CHARS": "100000",
        }


def test_a_two_node_cluster_gives_the_in_process_records(cluster: Any, tmp_path: Path) -> None:
    local, distributed = tmp_path / "local.jsonl", tmp_path / "ray"
    replay = ["--out", str(local), "--provider", "replay", "--no-cache"]
    assert CliRunner().invoke(app, ["batch", str(CORPUS), *replay]).exit_code == 0
    address = ["--ray-address", cluster.address, "--concurrency", "2"]
    code, _ = run_command([str(CORPUS), "--provider", "replay", *address], distributed)
    assert code == 0, (tmp_path / "ray.stderr").read_text()[-2000:]
    assert entries(distributed) == entries(local)
    workers = {
        actor["Address"]["NodeID"]
        for actor in cluster.global_state.actor_table(None).values()
        if "SummarizeRows" in actor["ActorClassName"]
    }
    assert {node.node_id for node in cluster.list_all_nodes()} <= workers  # one on each


def test_the_command_s_memory_stays_flat_as_the_input_grows(
    cluster: Any, stub: dict[str, str], tmp_path: Path
) -> None:
    """Peak RSS of the command for N and for 10N articles: the cluster reads them and
    its workers write the shards, so the command's grows by far less than the input
    (it grew by three times the input when the command built every row itself)."""
    sizes = {}
    for count in (100, 1000):
        articles = synthetic(tmp_path / f"{count}.jsonl", count)
        out = tmp_path / f"out{count}"
        args = [str(articles), "--provider", "openai", "--ray-address", cluster.address]
        code, peak = run_command([*args, "--concurrency", "16"], out, **stub)
        assert code == 0, (tmp_path / f"out{count}.stderr").read_text()[-2000:]
        assert len(done_ids(out)) == count
        sizes[count] = (articles.stat().st_size, peak * 1024)
    (small_input, small_peak), (large_input, large_peak) = sizes[100], sizes[1000]
    grown, added = large_peak - small_peak, large_input - small_input
    assert grown < added / 2, (
        f"peak RSS grew by {grown / 2**20:.1f} MiB, the input by {added / 2**20:.1f}"
    )


def test_a_run_killed_midway_then_run_again_gives_one_line_each(
    cluster: Any, stub: dict[str, str], tmp_path: Path
) -> None:
    """SIGKILL to the command once some shards are written: they stay whole, and the
    rerun skips what they hold and writes the rest."""
    articles, out = synthetic(tmp_path / "many.jsonl", 300), tmp_path / "out"
    args = [str(articles), "--provider", "openai", "--ray-address", cluster.address]
    args += ["--concurrency", "4"]
    process = start_command(args, out, **stub)
    while process.poll() is None and len(shards(out) if out.is_dir() else []) < 3:
        time.sleep(0.05)
    assert process.poll() is None, "the run ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    written = len(done_ids(out))
    assert 0 < written < 300
    code, _ = run_command(args, out, **stub)
    assert code == 0, (tmp_path / "out.stderr").read_text()[-2000:]
    lines = [line_id(line) for line in iter_results(out)]
    assert len(lines) == len(set(lines)) == 300

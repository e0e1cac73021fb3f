"""The Ray engine past one machine: a real two-node cluster (`ray.cluster_utils.Cluster`,
a head and a second node, one CPU each, on this machine), the command run as a process of
its own against it, as a user runs it with `--ray-address`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bench.stub_server import StubConfig, StubServer
from summarizer.cli import app
from summarizer.io import done_ids
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


def run_command(args: list[str], out: Path, **env: str) -> tuple[int, int]:
    """`summarizer batch ... --out out --engine ray` as its own process on the cluster's
    two workers; its exit code and its peak resident memory (KiB)."""
    command = [sys.executable, "-m", "summarizer", "batch", *args, "--out", str(out)]
    command += ["--engine", "ray", "--ray-workers", "2", "--no-cache"]
    with (out.parent / f"{out.name}.stderr").open("w") as stderr:
        process = subprocess.Popen(
            command, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=stderr
        )
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, usage.ru_maxrss


def test_a_two_node_cluster_gives_the_in_process_records(cluster: Any, tmp_path: Path) -> None:
    local, distributed = tmp_path / "local.jsonl", tmp_path / "ray"
    replay = ["--out", str(local), "--provider", "replay", "--no-cache"]
    assert CliRunner().invoke(app, ["batch", str(CORPUS), *replay]).exit_code == 0
    address = ["--ray-address", cluster.address, "--concurrency", "2"]
    code, _ = run_command([str(CORPUS), "--provider", "replay", *address], distributed)
    assert code == 0, (tmp_path / "ray.stderr").read_text()[-2000:]
    assert entries(distributed) == entries(local)
    workers = [
        actor["Address"]["NodeID"]
        for actor in cluster.global_state.actor_table(None).values()
        if "SummarizeRows" in actor["ActorClassName"]
    ]
    assert len(set(workers)) == 2  # a worker ran on each node


def test_the_command_s_memory_stays_flat_as_the_input_grows(cluster: Any, tmp_path: Path) -> None:
    """Peak RSS of the command for N and for 10N articles: the cluster reads them and
    its workers write the shards, so the command's grows by far less than the input
    (it grew by three times the input when the command built every row itself)."""
    sizes = {}
    with StubServer(StubConfig()) as stub:
        stub_env = {
            "OPENAI_BASE_URL": stub.url,
            "OPENAI_API_KEY": "sk-test",
            "SUMMARIZER_MODEL": "stub-model",
            "SUMMARIZER_CHUNK_CHARS": "100000",
        }
        for count in (100, 1000):
            articles = tmp_path / f"{count}.jsonl"
            with articles.open("w") as handle:
                for n in range(count):
                    handle.write(json.dumps({"id": f"a{n}", "text": f"Article {n}. {TEXT}"}) + "\n")
            out = tmp_path / f"out{count}"
            args = [str(articles), "--provider", "openai", "--ray-address", cluster.address]
            code, peak = run_command([*args, "--concurrency", "16"], out, **stub_env)
            assert code == 0, (tmp_path / f"out{count}.stderr").read_text()[-2000:]
            assert len(done_ids(out)) == count
            sizes[count] = (articles.stat().st_size, peak * 1024)
    (small_input, small_peak), (large_input, large_peak) = sizes[100], sizes[1000]
    grown, added = large_peak - small_peak, large_input - small_input
    assert grown < added / 2, (
        f"peak RSS grew by {grown / 2**20:.1f} MiB, the input by {added / 2**20:.1f}"
    )

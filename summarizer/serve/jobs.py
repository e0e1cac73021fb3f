"""Batch jobs of the API: state and results on disk beside the cache, so a restarted
server loses no finished work, reports each job as it stood and finishes the rest. Every
accepted article ends in exactly one results line: a job first reads its articles (fetching
URLs where allowed), and each one that cannot be read is its error line before any is
summarised."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from summarizer.batch import BatchItem, item_for, run_batch, unique, unread_line
from summarizer.core import ArticleRequest, ReadArticle
from summarizer.extract import Summarizer
from summarizer.io import ResultFile, done_ids, iter_models, public_message
from summarizer.pages import Limits
from summarizer.record import write_atomic

JobState = Literal["queued", "running", "done", "failed"]
# What `create` names a job (a uuid4's hex): a caller's id is looked up only if it is one,
# as a name too long for the file system would be an OSError, not "no such batch".
JOB_ID = re.compile(r"[0-9a-f]{32}")


class JobStatus(BaseModel):
    id: str
    status: JobState
    total: int
    done: int
    ok: int
    failed: int
    created_at: dt.datetime
    message: str | None = None


class JobStore:
    def __init__(self, directory: Path, concurrency: int, fetch: Limits | None = None) -> None:
        self.directory = directory
        self.concurrency = concurrency
        self.fetch = fetch  # how an article's URL may be fetched: not at all when None
        self._runner: ThreadPoolExecutor | None = None  # made on demand: a store outlives
        self._runner_lock = threading.Lock()  # a server's shutdown and start alike
        self._lock = threading.Lock()

    def _dir(self, job_id: str) -> Path:
        return self.directory / job_id

    def _write_state(self, job_id: str, **changes: Any) -> None:
        path = self._dir(job_id) / "job.json"
        with self._lock:
            state = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
            write_atomic(path, json.dumps({**state, **changes}))

    def create(self, articles: list[ArticleRequest]) -> str:
        """A job for `articles` as given: the caller has its id at once, however long
        reading them (fetching their URLs) will take."""
        job_id = uuid.uuid4().hex
        given = "".join(article.model_dump_json() + "\n" for article in articles)
        write_atomic(self._dir(job_id) / "given.jsonl", given)
        self._write_state(
            job_id,
            id=job_id,
            status="queued",
            total=len(articles),
            created_at=dt.datetime.now(dt.UTC).isoformat(),
        )
        return job_id

    def submit(self, job_id: str, summarizer: Summarizer) -> None:
        with self._runner_lock:
            if self._runner is None:
                self._runner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="batch-job")
            self._runner.submit(self._run, job_id, summarizer)

    def _run(self, job_id: str, summarizer: Summarizer) -> None:
        self._write_state(job_id, status="running")
        try:
            items = self._read_once(job_id)  # before the results file is opened: it rewrites it
            results = ResultFile(self.results_path(job_id))
            try:
                run_batch(summarizer, items, results, concurrency=self.concurrency)
            finally:
                results.close()
            self._write_state(job_id, status="done")
        except Exception as exc:  # the job's state must say so, not die with the thread
            self._write_state(job_id, status="failed", message=public_message(exc))

    def _read_once(self, job_id: str) -> list[BatchItem]:
        """The job's articles, read: the first run reads them, writes each unreadable one
        (or a repeat of an earlier one's id) as its error line, then the read ones, with
        what reading found, to `input.jsonl`, which marks the reading done. A run stopped
        before that reads them all again and rewrites those error lines, so a restart
        neither loses nor repeats an article."""
        inputs = self._dir(job_id) / "input.jsonl"
        if not inputs.exists():
            articles = list(iter_models(self._dir(job_id) / "given.jsonl", ArticleRequest))
            items = list(unique(self._read(articles)))
            unread = [unread_line(i).model_dump_json() + "\n" for i in items if i.request is None]
            write_atomic(self.results_path(job_id), "".join(unread))
            read = [i.request.model_dump_json() + "\n" for i in items if i.request is not None]
            write_atomic(inputs, "".join(read))
        return [item_for(read) for read in iter_models(inputs, ReadArticle)]

    def _read(self, articles: list[ArticleRequest]) -> list[BatchItem]:
        """The articles read, each named by its place in the batch (an error line says
        which article failed), `concurrency` at a time: a fetch mostly waits."""
        with ThreadPoolExecutor(max_workers=max(1, self.concurrency)) as pool:
            return list(
                pool.map(
                    lambda at: item_for(articles[at], f"articles[{at}]", limits=self.fetch),
                    range(len(articles)),
                )
            )

    def results_path(self, job_id: str) -> Path:
        return self._dir(job_id) / "results.jsonl"

    def status(self, job_id: str) -> JobStatus | None:
        path = self._dir(job_id) / "job.json"
        if not JOB_ID.fullmatch(job_id) or not path.is_file():
            return None
        state = json.loads(path.read_text(encoding="utf-8"))
        done = done_ids(self.results_path(job_id))
        ok = sum(done.values())
        return JobStatus(**state, done=len(done), ok=ok, failed=len(done) - ok)

    def statuses(self) -> Iterator[JobStatus]:
        """Every job in the store, as `status` reports it, in the order of their ids."""
        for path in sorted(self.directory.glob("*/job.json")):
            status = self.status(path.parent.name)
            if status is not None:
                yield status

    def resume_unfinished(self, summarizer: Summarizer) -> list[str]:
        """Queue again every job a stopped server left queued or running."""
        unfinished = [s.id for s in self.statuses() if s.status in ("queued", "running")]
        for job_id in unfinished:
            self.submit(job_id, summarizer)
        return unfinished

    def shutdown(self, wait: bool = False) -> None:
        """Stop taking jobs; with `wait`, finish the queued ones first. A running job's
        finished lines are on disk either way, and the next start resumes the rest."""
        with self._runner_lock:
            runner, self._runner = self._runner, None
        if runner is not None:
            runner.shutdown(wait=wait, cancel_futures=not wait)

"""The grading worker: inbox entries in, gradebook rows and learners' results out.

One thread owns the gradebook connection. It takes whatever has arrived (up to a batch),
grades each submission with the fast path, writes the autograded notebooks, and records
the whole batch in one gradebook transaction together with the ledger; then it stores
each result (`results.store_result`), removes the inbox entries and wakes the waiting
requests. While it commits one batch the next one gathers, so a burst costs few commits
(group commit). It is a `Grader`; `GradingProcess` runs one in a child process.
"""

from __future__ import annotations

import collections
import logging
import queue
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from nbformat import NotebookNode

from kurskit import layout, nbgrader_course
from kurskit.authoring.catalog import Catalog
from kurskit.grading import attempts, inbox, results
from kurskit.grading.fast_path import Graded
from kurskit.grading.gradebook_writer import GradebookWriter, Record, Recorded
from kurskit.grading.hidden_tests import GradingTimedOut
from kurskit.grading.inbox import Entry
from kurskit.grading.isolation import GradingCrashed, Outcome, Task, grade_isolated
from kurskit.grading.module_version import ModuleVersion, NotFastGradable
from kurskit.grading.notebook_files import notebook_from_json
from kurskit.grading.results import SubmissionResult

log = logging.getLogger("kurskit.worker")
MAX_BATCH = 100
RETRIES, RETRY_SECONDS = 3, 1.0  # a failed grading is tried again after 1, 2, 3 s
GRADING_SECONDS = 10.0  # the author's tests of one submission, unless the module says


class AutogradeFailed(Exception):
    """The fast path refused a submission and `nbgrader autograde` could not grade it."""


# failures that trying again cannot mend
FINAL = (NotFastGradable, GradingTimedOut, GradingCrashed, AutogradeFailed)
MAX_BACKOFF = 300.0  # then again and again, waiting twice as long each time, up to this


class AlreadyGraded(Exception):
    """The ledger has this attempt: it was graded before a crash; never grade it twice."""


@dataclass
class Job:
    entry: Entry
    notebook: NotebookNode | None  # in memory when just accepted; else read from disk
    future: Future[SubmissionResult]
    tries: int = 0
    autograded: str | None = None  # the graded notebook, placed once the grade is recorded


class GradingWorker:
    def __init__(self, root: Path, catalog: Catalog) -> None:
        self.root, self.catalog = root, catalog
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._ready = threading.Event()
        self._jobs: dict[tuple[str, str, int], Job] = {}
        self._jobs_lock = threading.Lock()
        # sizes of the latest committed batches (for tests and logs), bounded
        self.batches: collections.deque[int] = collections.deque(maxlen=1000)

    def start(self, timeout: float = 60) -> None:
        """Start once; everything left in the inbox (e.g. by a crash) is graded first.

        Returns when the gradebook is open (and kurskit's tables exist), so that requests
        never race the worker's first write.
        """
        with self._start_lock:
            if self._thread is None:
                for entry in inbox.pending(self.root):
                    self._enqueue(entry, None)
                self._thread = threading.Thread(target=self._run, name="kurskit-grading",
                                                daemon=True)
                self._thread.start()
        self._ready.wait(timeout)

    def stop(self, timeout: float = 10) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout)
            self._thread = None

    def submit(self, entry: Entry, notebook: NotebookNode | None) -> Future[SubmissionResult]:
        self.start()
        return self._enqueue(entry, notebook)

    def _enqueue(self, entry: Entry, notebook: NotebookNode | None) -> Future[SubmissionResult]:
        key = (entry.learner, entry.module, entry.attempt)
        with self._jobs_lock:
            if key in self._jobs:
                return self._jobs[key].future
            job = Job(entry, notebook, Future())
            self._jobs[key] = job
        self._queue.put(job)
        return job.future

    def job(self, learner: str, module: str, attempt: int) -> Future[SubmissionResult] | None:
        with self._jobs_lock:
            found = self._jobs.get((learner, module, attempt))
        return found.future if found else None

    # --- the thread --------------------------------------------------------------------

    def _run(self) -> None:
        writer = None
        while writer is None:
            try:
                writer = GradebookWriter(self.root)
            except Exception:  # e.g. the gradebook is locked by a long nbgrader run
                log.exception("cannot open the gradebook; retrying in 2 s")
                time.sleep(2)
        self._ready.set()
        try:
            while True:
                first = self._queue.get()
                if first is None:
                    return
                batch = [first]
                while len(batch) < MAX_BATCH:
                    try:
                        more = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if more is None:
                        self._queue.put(None)  # stop after this batch
                        break
                    batch.append(more)
                try:
                    self._grade(writer, batch)
                except Exception as error:  # keep the worker alive; entries stay queued on disk
                    log.exception("grading a batch of %d failed", len(batch))
                    for job in batch:
                        self._finish(job, error=error)
        finally:
            writer.close()

    def _grade(self, writer: GradebookWriter, batch: list[Job]) -> None:
        started = time.perf_counter()
        prepared = self._prepare(writer, batch)
        records: list[tuple[Job, Record]] = []
        refused: list[tuple[int, NotFastGradable]] = []
        tasks = [Task(version, notebook, self._time_limit(job.entry.module))
                 for job, _, version, notebook in prepared]
        # each submission's hidden tests in a forked child: nothing they change outlives it
        for index, outcome in grade_isolated(tasks):
            if index is None:  # a slow one is still running: record what is graded so far
                self._commit(writer, records, started)
                records = []
            elif isinstance(outcome, NotFastGradable):
                refused.append((index, outcome))
            else:
                self._graded(prepared[index], outcome, records)
        self._commit(writer, records, started)
        records = []
        for index, refusal in refused:  # they need a kernel: nbgrader autograde grades them
            self._graded(prepared[index], self._autograde(prepared[index][0].entry, refusal),
                         records)
        self._commit(writer, records, started)

    def _graded(self, prepared: tuple[Job, str, ModuleVersion, NotebookNode],
                outcome: Outcome | None, records: list[tuple[Job, Record]]) -> None:
        job, timestamp, version, _ = prepared
        entry = job.entry
        if not isinstance(outcome, tuple):
            log.error("grading %s failed: %s", entry.name, outcome)
            self._finish(job, error=outcome or GradingCrashed("no outcome"))
            return
        graded, job.autograded = outcome
        module = self.catalog.module(entry.module)
        method = module.policy.grading_method if module else "highest"
        records.append((job, Record(entry.learner, version, timestamp, graded,
                                    attempt=entry.attempt, method=method)))

    def _commit(self, writer: GradebookWriter, graded: list[tuple[Job, Record]],
                started: float) -> None:
        """Record graded submissions in one transaction, then answer each."""
        if not graded:
            return
        results = writer.record([record for _, record in graded])
        self.batches.append(len(graded))
        seconds = time.perf_counter() - started
        for (job, _), result in zip(graded, results, strict=True):
            if isinstance(result, Exception):
                self._finish(job, error=result)
            elif result is None:
                log.info("attempt %s is in the ledger already; not grading it again",
                         job.entry.name)
                self._finish(job, recorded=None)
            else:
                try:  # nbgrader's current submission is the attempt the gradebook counts
                    if result.counted:
                        attempts.make_current(self.root, job.entry.stored_attempt(self.root),
                                              job.autograded, selected=True)
                except OSError as error:
                    log.error("placing %s for nbgrader failed: %s", job.entry.name, error)
                self._finish(job, recorded=result, seconds=seconds)

    def _prepare(self, writer: GradebookWriter, batch: list[Job]
                 ) -> list[tuple[Job, str, ModuleVersion, NotebookNode]]:
        """Each job's timestamp, module version and notebook; an attempt the ledger has
        already, or one that cannot be read, is finished here."""
        prepared = []
        done_before: dict[tuple[str, str], set[tuple[int, str]]] = {}
        for job in batch:
            entry = job.entry
            key = (entry.learner, entry.module)
            try:
                folder = entry.attempt_path(self.root)
                timestamp = (folder / layout.TIMESTAMP).read_text("utf-8").strip()
                if key not in done_before:
                    done_before[key] = writer.graded_attempts(*key)
                if (entry.attempt, timestamp) in done_before[key]:
                    raise AlreadyGraded(entry.name)
                version = writer.version(entry.module)
                notebook = job.notebook
                if notebook is None:  # written by inbox.accept, so no schema check needed
                    notebook = notebook_from_json((folder / entry.notebook).read_text("utf-8"))
                prepared.append((job, timestamp, version, notebook))
            except AlreadyGraded:
                log.info("attempt %s was graded before a restart; not grading it again",
                         entry.name)
                self._finish(job, recorded=None)
            except Exception as error:
                log.error("grading %s failed: %s", entry.name, error)
                self._finish(job, error=error)
        return prepared

    def _autograde(self, entry: Entry, refusal: NotFastGradable) -> Outcome:
        """A submission the fast path refuses (code in an answer cell, a cell the learner
        added): `nbgrader autograde` grades it, in a scratch course; its grades are then
        recorded as the fast path's are."""
        module = self.catalog.module(entry.module)
        if module is None:
            return results.GradingFailed(f"module {entry.module!r} left the catalogue")
        log.info("%s: %s; grading it with nbgrader autograde", entry.name, refusal)
        try:
            done = nbgrader_course.autograde_apart(
                self.root, module, entry.learner, entry.attempt_path(self.root),
                seconds=self._time_limit(entry.module))
        except Exception as error:  # nbgrader's own message names the cause
            return AutogradeFailed(f"{refusal}; nbgrader autograde failed too: {error}")
        return Graded(dict(done.auto_scores), dict(done.auto_comments)), done.notebook

    def _time_limit(self, module_id: str) -> float:
        """Seconds the author's tests of one submission may run (module metadata
        `grading_seconds`, default GRADING_SECONDS)."""
        module = self.catalog.module(module_id)
        metadata = module.notebook.metadata if module is not None else {}
        return float(metadata.get("grading_seconds", GRADING_SECONDS))

    def _finish(self, job: Job, recorded: Recorded | None = None, seconds: float = 0.0,
                error: Exception | None = None) -> None:
        entry = job.entry
        if job.future.done():
            return
        if error is not None and job.tries < RETRIES and not isinstance(error, FINAL):
            # e.g. the gradebook locked by a trainer's long write: try again shortly
            job.tries += 1
            job.notebook = None  # read the stored attempt afresh
            timer = threading.Timer(RETRY_SECONDS * job.tries, self._queue.put, (job,))
            timer.daemon = True
            timer.start()
            return
        result = None
        if error is None:
            try:
                result = results.store_result(self.catalog, self.root, entry, recorded, seconds)
            except Exception as failure:  # the grade is recorded; only the result file failed
                log.exception("storing the result of %s failed", entry.name)
                error = failure
            else:
                inbox.done(self.root, entry)
        # on failure the entry stays in the inbox (graded again at the next start); the
        # learner's app learns that it failed for now
        results.mark_failed(entry.attempt_path(self.root), error)
        with self._jobs_lock:
            self._jobs.pop((entry.learner, entry.module, entry.attempt), None)
        if error is not None:
            job.future.set_exception(error)
            if not isinstance(error, (*FINAL, results.GradingFailed)):
                self._retry_later(job)
        else:
            assert result is not None
            job.future.set_result(result)

    def _retry_later(self, job: Job) -> None:
        """Keep trying an entry that failed for now (e.g. a gradebook locked for a while by
        formgrader), with back-off, instead of leaving it for the next start."""
        delay = min(MAX_BACKOFF, RETRY_SECONDS * 2 ** job.tries)
        again = Job(job.entry, None, Future(), tries=job.tries + 1)
        key = (job.entry.learner, job.entry.module, job.entry.attempt)

        def requeue() -> None:
            if self._thread is None or not inbox.is_pending(self.root, *key):
                return  # stopped, or graded meanwhile
            with self._jobs_lock:
                if key in self._jobs:
                    return
                self._jobs[key] = again
            self._queue.put(again)

        timer = threading.Timer(delay, requeue)
        timer.daemon = True
        timer.start()

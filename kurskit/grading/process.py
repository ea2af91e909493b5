"""The grading worker in a child process of the service: HTTP on one core, grading on the other.

Measured on the 2-core machine, one process that both answers HTTP and grades is bound by
Python's global interpreter lock long before the cores are busy: in a burst of 200
learners the two halves take turns. The service therefore starts one child process (from
its lifespan, so `kurskit start` runs one service as before) that owns the gradebook and
runs the same `GradingWorker`; the inbox on disk stays the durable hand-over. The parent
sends "grade this entry" over a pipe and gets the stored result back as JSON, which it
hands to the waiting request as a `SubmissionResult`, as the worker itself would.

The child leaves when the service does (the pipe closes) after finishing the batch it is
writing; if the child dies, the parent starts a new one, which grades everything still in
the inbox first.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import signal
import threading
from concurrent.futures import Future
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kurskit import layout
from kurskit.grading import inbox
from kurskit.grading.inbox import Entry
from kurskit.grading.results import SubmissionResult

log = logging.getLogger("kurskit.grading")
Key = tuple[str, str, int]


class GradingProcess:
    """A `Grader` whose GradingWorker runs in a child process."""

    def __init__(self, root: Path, courses_dir: Path) -> None:
        self.root, self.courses_dir = root, courses_dir
        self._context = multiprocessing.get_context("spawn")  # no fork of a threaded server
        self._process: Any = None
        self._connection: Connection | None = None
        self._futures: dict[Key, Future[SubmissionResult]] = {}
        self._lock = threading.Lock()  # guards the futures and the child's handles
        self._sending = threading.Lock()  # one message at a time into the pipe
        self._stopping = False

    def start(self, timeout: float = 120) -> None:
        with self._lock:
            if self._process is not None and self._process.is_alive():
                return
            self._stopping = False
            parent, child = self._context.Pipe()
            process = self._context.Process(
                target=_child_main, args=(str(self.root), str(self.courses_dir), child),
                name="kurskit-grading", daemon=True)
            process.start()
            child.close()
            if not parent.poll(timeout) or parent.recv() != ("ready",):
                process.kill()
                raise RuntimeError("the grading process did not start")
            self._process, self._connection = process, parent
            waiting = list(self._futures)
        # entries this service queued before a restart of the child: ask again (the ledger
        # keeps any from being graded twice)
        for key in waiting:
            self._send(("grade", key))
        threading.Thread(target=self._read, args=(parent,), name="kurskit-grading-reader",
                         daemon=True).start()

    def stop(self, timeout: float = 30) -> None:
        with self._lock:
            self._stopping = True
            process, connection = self._process, self._connection
            self._process = self._connection = None
        if connection is not None:
            with contextlib.suppress(OSError):
                connection.send(("stop",))
        if process is not None:
            process.join(timeout)
            if process.is_alive():
                process.kill()

    def submit(self, entry: Entry, notebook: Any = None) -> Future[SubmissionResult]:
        if self._process is None:
            self.start()
        key = (entry.learner, entry.module, entry.attempt)
        with self._lock:
            future = self._futures.get(key)
            new = future is None
            if future is None:
                future = self._futures[key] = Future[SubmissionResult]()
        if new:
            # never under self._lock: a full pipe must not block the reader that empties
            # the child's side
            self._send(("grade", key))
        return future

    def job(self, learner: str, module: str, attempt: int) -> Future[SubmissionResult] | None:
        with self._lock:
            return self._futures.get((learner, module, attempt))

    def _send(self, message: tuple) -> None:
        connection = self._connection
        if connection is not None:
            # if the child is gone, the reader starts a new one, which is sent all again
            with self._sending, contextlib.suppress(OSError):
                connection.send(message)

    def _read(self, connection: Connection) -> None:
        while True:
            try:
                kind, key, payload = connection.recv()
            except (EOFError, OSError):
                break
            with self._lock:
                future = self._futures.pop(tuple(key), None)
            if future is None:
                continue  # an entry left in the inbox by an earlier run
            if kind == "done":
                try:
                    future.set_result(SubmissionResult.model_validate_json(payload))
                except ValueError as error:  # a result file the child could not read
                    future.set_exception(error)
            else:
                future.set_exception(RuntimeError(payload))
        if not self._stopping:
            log.error("the grading process ended; starting a new one")
            with self._lock:
                self._process = self._connection = None
            try:
                self.start()
            except RuntimeError:
                log.exception("could not restart the grading process")


def _child_main(root: str, courses_dir: str, connection: Connection) -> None:
    """The child: one GradingWorker; results go back over the pipe as JSON text."""
    from kurskit.authoring.catalog import load_catalog
    from kurskit.grading.worker import GradingWorker

    # Ctrl+C or SIGTERM to the service's process group: the child finishes the batch it is
    # writing and leaves when the service closes the pipe
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    grading_root = Path(root)
    worker = GradingWorker(grading_root, load_catalog(Path(courses_dir)))
    worker.start()  # grades what the inbox still holds (e.g. after a crash) first
    sending = threading.Lock()

    def report(key: Key, future: Future[SubmissionResult]) -> None:
        error = future.exception()
        message = (("failed", key, f"{type(error).__name__}: {error}") if error is not None
                   else ("done", key, future.result().model_dump_json()))
        # if the service is gone, the result file is written all the same
        with sending, contextlib.suppress(OSError):
            connection.send(message)

    connection.send(("ready",))
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            break  # the service ended (or was killed): finish the current batch and go
        if message[0] == "stop":
            break
        learner, module, attempt = key = tuple(message[1])
        entry = inbox.read_entry(grading_root, learner, module, attempt)
        if entry is None:  # graded meanwhile (e.g. requeued when this process started)
            stored = layout.attempt_dir(grading_root, learner, module, attempt) / layout.RESULT
            with sending:
                connection.send(("done", key, stored.read_text("utf-8")) if stored.is_file()
                                else ("failed", key, "no such submission in the inbox"))
            continue
        future = worker.submit(entry, None)
        future.add_done_callback(partial(report, key))
    worker.stop()

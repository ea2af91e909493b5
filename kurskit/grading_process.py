"""The grading worker in a child process of the service: HTTP on one core, grading on the other.

Measured on the 2-core machine, one process that both answers HTTP and grades is bound by
Python's global interpreter lock long before the cores are busy: in a burst of 200
learners the two halves take turns. The service therefore starts one child process (from
its lifespan, so `kurskit start` runs one service as before) that owns the gradebook and
runs the same `GradingWorker`; the inbox on disk stays the durable hand-over. The parent
sends "grade this entry" over a pipe and gets the stored result back as JSON.

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

from kurskit.inbox import Entry

log = logging.getLogger("kurskit.grading")
Key = tuple[str, str, int]


class GradingProcess:
    """Same interface as GradingWorker: start, stop, submit, job."""

    def __init__(self, root: Path, courses_dir: Path) -> None:
        self.root, self.courses_dir = root, courses_dir
        self._context = multiprocessing.get_context("spawn")  # no fork of a threaded server
        self._process: Any = None
        self._connection: Connection | None = None
        self._futures: dict[Key, Future] = {}
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

    def submit(self, entry: Entry, notebook: Any = None) -> Future:
        if self._process is None:
            self.start()
        key = (entry.learner, entry.module, entry.attempt)
        with self._lock:
            future = self._futures.get(key)
            new = future is None
            if future is None:
                future = self._futures[key] = Future()
        if new:
            # never under self._lock: a full pipe must not block the reader that empties
            # the child's side
            self._send(("grade", key))
        return future

    def job(self, learner: str, module: str, attempt: int) -> Future | None:
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
                future.set_result(payload)
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
    from kurskit import inbox
    from kurskit.catalog import load_catalog
    from kurskit.grading_worker import GradingWorker
    from kurskit.service import store_result

    # Ctrl+C or SIGTERM to the service's process group: the child finishes the batch it is
    # writing and leaves when the service closes the pipe
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    grading_root = Path(root)
    catalog = load_catalog(Path(courses_dir))

    def on_graded(entry: Entry, recorded: Any, seconds: float) -> str:
        return store_result(catalog, grading_root, entry, recorded, seconds).model_dump_json()

    worker = GradingWorker(grading_root, on_graded)
    worker.start()  # grades what the inbox still holds (e.g. after a crash) first
    sending = threading.Lock()

    def report(key: Key, future: Future) -> None:
        error = future.exception()
        message = (("failed", key, f"{type(error).__name__}: {error}") if error is not None
                   else ("done", key, future.result()))
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
            stored = inbox.attempt_path(grading_root, learner, module, attempt) / "result.json"
            with sending:
                connection.send(("done", key, stored.read_text("utf-8")) if stored.is_file()
                                else ("failed", key, "no such submission in the inbox"))
            continue
        future = worker.submit(entry, None)
        future.add_done_callback(partial(report, key))
    worker.stop()

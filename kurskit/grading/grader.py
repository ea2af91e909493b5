"""What the service grades with: the `Grader` protocol and the two ways to run one.

A `GradingWorker` grades in a thread of the calling process; a `GradingProcess` runs the
same worker in a child process (the service's second core). Both hand every acknowledged
attempt's `SubmissionResult` to a future, exactly once.
"""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path
from typing import Protocol

from nbformat import NotebookNode

from kurskit.authoring.catalog import Catalog
from kurskit.grading.inbox import Entry
from kurskit.grading.results import SubmissionResult


class Grader(Protocol):
    def start(self) -> None:
        """Grade what the inbox still holds (e.g. after a crash), then whatever comes."""

    def stop(self) -> None:
        """Finish the batch being written, then stop."""

    def submit(self, entry: Entry, notebook: NotebookNode | None) -> Future[SubmissionResult]:
        """Grade an acknowledged attempt (its notebook, if still in memory)."""

    def job(self, learner: str, module: str, attempt: int) -> Future[SubmissionResult] | None:
        """The future of an attempt this grader is grading, if any."""


def make_grader(root: Path, courses_dir: Path, catalog: Catalog, *,
                child_process: bool) -> Grader:
    from kurskit.grading.process import GradingProcess
    from kurskit.grading.worker import GradingWorker

    if child_process:
        return GradingProcess(root, courses_dir)
    return GradingWorker(root, catalog)

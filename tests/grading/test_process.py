"""The grading worker in a child process: the same results, and a new child when one dies."""

import os
import signal

import nbformat
import pytest

from kurskit import layout
from kurskit.grading import inbox
from kurskit.grading.process import GradingProcess
from kurskit.grading.results import SubmissionResult
from kurskit.grading.submission import build_submission

pytestmark = pytest.mark.nbgrader
MODULE, NOTEBOOK = "beispiel-01-kurz", "01-kurz.ipynb"


def accept(project, learner, answers):
    release = nbformat.read(layout.release_notebook(project.grading, MODULE, NOTEBOOK), 4)
    return inbox.accept(project.grading, learner, MODULE, NOTEBOOK,
                        build_submission(release, answers), answers)[1]


def test_the_child_grades_and_hands_back_the_same_result_type(released_example):
    grader = GradingProcess(released_example.grading, released_example.courses)
    grader.start()
    try:
        entry = accept(released_example, "anna", {"frist": "72 Stunden"})
        result = grader.submit(entry, None).result(timeout=60)
        assert isinstance(result, SubmissionResult)
        assert (result.learner, result.attempt, result.score) == ("anna", 1, 1.0)
        assert grader.job("anna", MODULE, 1) is None  # done: nothing waits any more

        child = grader._process.pid
        os.kill(child, signal.SIGKILL)  # the child dies; the parent starts a new one
        entry = accept(released_example, "anna", {"frist": "24 Stunden"})
        again = grader.submit(entry, None).result(timeout=120)
        assert (again.attempt, again.score) == (2, 0.0)
        assert grader._process.pid != child
    finally:
        grader.stop()
    assert inbox.pending(released_example.grading) == []

"""Each submission's hidden tests in a forked child: nothing a test cell changes reaches the
next learner, and a test that sleeps, crashes or never ends holds up no one else."""

import shutil
import sys
import time

import nbformat
import pytest

from conftest import FIXTURES, make_project
from kurskit import layout
from kurskit.authoring.catalog import load_catalog
from kurskit.grading import inbox
from kurskit.grading.hidden_tests import GradingTimedOut
from kurskit.grading.isolation import GradingCrashed
from kurskit.grading.submission import build_submission
from kurskit.grading.worker import GradingWorker
from kurskit.release.build import release_all

pytestmark = pytest.mark.nbgrader
NOTEBOOK = "01-kurz.ipynb"
MODULE = "nachwirkung-01-kurz"  # its hidden tests change kurskit.checks, a global, sys.modules
RIGHT = {"frist": "72 Stunden", "grundsaetze": ["Zweckbindung", "Datenminimierung"],
         "rechtsgrundlagen": {"Bauantrag prüfen": "lit. e – öffentliche Aufgabe",
                              "Newsletter mit Zustimmung": "lit. a – Einwilligung"}}
WRONG = {"frist": "24 Stunden", "grundsaetze": ["Gewinnmaximierung"],
         "rechtsgrundlagen": {"Bauantrag prüfen": "lit. a – Einwilligung",
                              "Newsletter mit Zustimmung": "lit. e – öffentliche Aufgabe"}}


def project_with(tmp_path, first_test: str | None = None, seconds: int | None = None):
    """The fixture course whose hidden tests leave traces, beside the example course;
    `first_test` goes first into the hidden test of the first question (a test that sleeps,
    or ends the process)."""
    project = make_project(tmp_path / "projekt", FIXTURES / "courses-hidden-test-monkeypatches")
    shutil.copytree(FIXTURES / "courses" / "beispiel", project.courses / "beispiel")
    if first_test is not None:
        path = project.courses / "nachwirkung" / NOTEBOOK
        notebook = nbformat.read(path, 4)
        for cell in notebook.cells:
            if (cell.metadata.get("nbgrader") or {}).get("grade_id") == "frist_test":
                cell.source = cell.source.replace("### BEGIN HIDDEN TESTS\n",
                                                  f"### BEGIN HIDDEN TESTS\n{first_test}\n")
        notebook.metadata.kurskit["grading_seconds"] = seconds
        nbformat.write(notebook, path)
    release_all(project)
    return project


def accept(project, learner, answers):
    release = nbformat.read(layout.release_notebook(project.grading, MODULE, NOTEBOOK), 4)
    return inbox.accept(project.grading, learner, MODULE, NOTEBOOK,
                        build_submission(release, answers), answers)[1]


def test_what_one_submissions_hidden_tests_change_never_reaches_the_next(tmp_path):
    """The hidden tests rebind `kurskit.checks.check_single_choice` to pass everything, set
    a global of `kurskit.authoring.checks` that skips the next check and put a module into
    `sys.modules` that skips the third: run in the grading process itself, the next
    learner's wrong answers would score full points."""
    import kurskit.authoring.checks
    import kurskit.checks

    project = project_with(tmp_path)
    original = kurskit.checks.check_single_choice
    worker = GradingWorker(project.grading, load_catalog(project.courses))
    try:
        first = worker.submit(accept(project, "anna", RIGHT), None).result(timeout=60)
        second = worker.submit(accept(project, "bert", WRONG), None).result(timeout=60)
        # and within one batch: both at once
        together = [worker.submit(accept(project, learner, answers), None)
                    for learner, answers in (("cora", RIGHT), ("dirk", WRONG))]
        scores = [f.result(timeout=60).score for f in together]
    finally:
        worker.stop()
    assert first.score == 4.0
    assert second.score == 0.0
    assert scores == [4.0, 0.0]
    # the grading process itself (here: this one) kept the real check functions
    assert kurskit.checks.check_single_choice is original
    assert not hasattr(kurskit.authoring.checks, "schon_geprueft")
    assert "kurskit_merker" not in sys.modules


def accept_example(project, learner):
    release = nbformat.read(layout.release_notebook(project.grading, "beispiel-01-kurz",
                                                    NOTEBOOK), 4)
    return inbox.accept(project.grading, learner, "beispiel-01-kurz", NOTEBOOK,
                        build_submission(release, RIGHT), RIGHT)[1]


@pytest.mark.parametrize(("scenario", "test_source", "error", "reason"), [
    ("sleeps where the trace hook cannot stop it", "import time\ntime.sleep(60)",
     GradingTimedOut, "the grading child was killed"),
    ("ends the process", "import os\nos._exit(3)", GradingCrashed, "exit status 3"),
    ("kills the process", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
     GradingCrashed, "signal 9"),
])
def test_a_hidden_test_that_hangs_or_crashes_fails_alone(tmp_path, scenario, test_source,
                                                         error, reason):
    """The trainer reads the reason in the attempt's folder; the learners of another
    module, in the same batch, are graded; the grading process lives on."""
    project = project_with(tmp_path, test_source, seconds=1)
    stuck = accept(project, "emma", RIGHT)
    fine = [accept_example(project, f"l{n}") for n in range(3)]
    worker = GradingWorker(project.grading, load_catalog(project.courses))
    try:
        worker.start()  # the inbox in one batch
        started = time.monotonic()
        futures = [worker.submit(e, None) for e in [stuck, *fine]]
        with pytest.raises(error):
            futures[0].result(timeout=30)
        assert time.monotonic() - started < 15  # stopped, not tried again and again
        assert [f.result(timeout=30).score for f in futures[1:]] == [4.0] * 3
        # and the worker grades on
        assert worker.submit(accept_example(project, "l9"), None).result(timeout=30).score == 4.0
    finally:
        worker.stop()
    why = (stuck.attempt_path(project.grading) / "grading-failed.txt").read_text("utf-8")
    assert error.__name__ in why and reason in why
    assert inbox.pending(project.grading) == [stuck]  # kept for a trainer (kurskit grade)


def test_the_queue_goes_on_while_one_submission_hangs(tmp_path):
    """A submission whose hidden test sleeps holds one child until it is killed; the
    submissions behind it, in the same batch, are graded and recorded meanwhile."""
    project = project_with(tmp_path, "import time\ntime.sleep(60)", seconds=6)
    stuck = accept(project, "emma", RIGHT)
    others = [accept_example(project, f"l{n}") for n in range(20)]
    worker = GradingWorker(project.grading, load_catalog(project.courses))
    try:
        worker.start()  # the inbox in one batch: the stuck one first
        hanging = worker.submit(stuck, None)
        futures = [worker.submit(e, None) for e in others]
        assert [f.result(timeout=60).score for f in futures] == [4.0] * 20
        assert not hanging.done()  # still running: the others did not wait for it
        with pytest.raises(GradingTimedOut):
            hanging.result(timeout=30)
    finally:
        worker.stop()
    assert sum(worker.batches) == 20

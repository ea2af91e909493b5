"""A submission the fast path refuses is graded by `nbgrader autograde` and recorded as
every other: gradebook row, ledger, result.json, status, autograded notebook."""

import shutil

import nbformat
import pytest
from nbgrader_reference import nbgrader_autograde

from kurskit import layout
from kurskit.authoring.catalog import load_catalog
from kurskit.grading import inbox, results
from kurskit.grading.fast_path import grade_notebook
from kurskit.grading.gradebook_writer import GradebookWriter
from kurskit.grading.module_version import NotFastGradable
from kurskit.grading.notebook_files import notebook_json
from kurskit.grading.submission import build_submission
from kurskit.grading.worker import GradingWorker
from kurskit.nbgrader_course import read_result

pytestmark = pytest.mark.nbgrader
MODULE, NOTEBOOK = "beispiel-01-kurz", "01-kurz.ipynb"
ANSWERS = {"frist": "72 Stunden", "grundsaetze": ["Gewinnmaximierung"],
           "rechtsgrundlagen": {"Bauantrag prüfen": "lit. e – öffentliche Aufgabe",
                                "Newsletter mit Zustimmung": "lit. a – Einwilligung"}}


def refused_submission(project, learner):
    """An accepted attempt whose stored notebook has code in an answer cell (right, once
    run) and a code cell the learner added: the fast path refuses both."""
    release = nbformat.read(layout.release_notebook(project.grading, MODULE, NOTEBOOK), 4)
    entry = inbox.accept(project.grading, learner, MODULE, NOTEBOOK,
                         build_submission(release, ANSWERS), ANSWERS)[1]
    path = entry.attempt_path(project.grading) / NOTEBOOK
    notebook = nbformat.read(path, 4)
    for index, cell in enumerate(notebook.cells):
        if (cell.metadata.get("nbgrader") or {}).get("grade_id") == "frist":
            cell.source = 'frist = "72 " + "Stunden"'
            notebook.cells.insert(index + 1, nbformat.v4.new_code_cell("notiz = 'meine'"))
            break
    path.write_text(notebook_json(notebook), "utf-8")  # as kurskit stores it
    return entry, notebook


def test_a_submission_the_fast_path_refuses_is_graded_by_nbgrader(released_example, tmp_path):
    root = released_example.grading
    reference = tmp_path / "referenz"
    shutil.copytree(released_example.root, reference, symlinks=True)  # before any grading
    entry, notebook = refused_submission(released_example, "anna")
    writer = GradebookWriter(root)
    try:
        with pytest.raises(NotFastGradable):
            grade_notebook(writer.version(MODULE), nbformat.from_dict(notebook))
    finally:
        writer.close()

    worker = GradingWorker(root, load_catalog(released_example.courses))
    try:
        result = worker.submit(entry, None).result(timeout=180)
    finally:
        worker.stop()

    # the reference: real `nbgrader autograde` of the same notebook in a copy of the course
    submitted = layout.submitted_dir(reference / "grading", "anna", MODULE)
    submitted.mkdir(parents=True)
    shutil.copy2(entry.attempt_path(root) / NOTEBOOK, submitted / NOTEBOOK)
    shutil.copy2(entry.attempt_path(root) / "timestamp.txt", submitted / "timestamp.txt")
    nbgrader_autograde(reference / "grading", MODULE)
    expected = read_result(reference / "grading", MODULE, "anna", NOTEBOOK)

    assert expected.score == 3.0  # frist computed right (1), grundsaetze wrong, matching (2)
    recorded = read_result(root, MODULE, "anna", NOTEBOOK)  # the gradebook
    assert recorded.score == expected.score
    assert ({g: q.score for g, q in recorded.grades.items()}
            == {g: q.score for g, q in expected.grades.items()})
    assert (result.score, result.max_score) == (expected.score, expected.max_score)
    assert {q.id: q.points for q in result.questions} == {
        "frist": 1.0, "grundsaetze": 0.0, "rechtsgrundlagen": 2.0}
    stored = results.attempt_state(root, "anna", MODULE, 1)  # what the status route reads
    assert stored.result == result
    assert inbox.pending(root) == []
    autograded = nbformat.read(layout.autograded_dir(root, "anna", MODULE) / NOTEBOOK, 4)
    assert any(c.source == "notiz = 'meine'" for c in autograded.cells)

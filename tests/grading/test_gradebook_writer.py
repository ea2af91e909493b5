"""nbgrader's gradebook rows written by the fast path: group-committed, each attempt once."""

import nbformat
import pytest

from kurskit import layout, nbgrader_course
from kurskit.authoring.catalog import load_catalog
from kurskit.grading.fast_path import grade_notebook
from kurskit.grading.gradebook_writer import GradebookWriter, Record
from kurskit.grading.submission import build_submission
from kurskit.nbgrader_course import read_result

pytestmark = pytest.mark.nbgrader
MODULE, NOTEBOOK = "beispiel-01-kurz", "01-kurz.ipynb"
STAMP = "2026-03-02 10:00:00.000000 UTC"


@pytest.fixture
def writer(released_example):
    opened = GradebookWriter(released_example.grading)
    yield opened
    opened.close()


def graded(root, version, answers):
    release = nbformat.read(layout.release_notebook(root, MODULE, NOTEBOOK), 4)
    full = {"frist": None, "grundsaetze": None, "rechtsgrundlagen": None, **answers}
    return grade_notebook(version, build_submission(release, full))


def test_a_batch_is_recorded_as_nbgrader_would_and_each_attempt_only_once(released_example,
                                                                          writer):
    root = released_example.grading
    version = writer.version(MODULE)
    records = [Record("anna", version, STAMP, graded(root, version, {"frist": "72 Stunden"}),
                      attempt=1),
               Record("bernd", version, STAMP, graded(root, version, {}), attempt=1)]
    first = writer.record(records)
    assert [(r.score, r.max_score) for r in first] == [(1.0, 4.0), (0.0, 4.0)]
    assert first[0].grades["frist_test"].score == 1.0
    assert read_result(root, MODULE, "anna", NOTEBOOK).score == 1.0
    assert writer.graded_attempts("anna", MODULE) == {(1, STAMP)}
    # the same attempt again (a retry after a crash): the ledger keeps it out
    assert writer.record(records[:1]) == [None]
    assert read_result(root, MODULE, "anna", NOTEBOOK).score == 1.0


def test_an_attempt_number_that_returns_with_another_time_is_a_new_submission(
        released_example, writer):
    root = released_example.grading
    version = writer.version(MODULE)
    writer.record([Record("carla", version, STAMP, graded(root, version, {}), attempt=1)])
    later = "2026-03-09 10:00:00.000000 UTC"
    (recorded,) = writer.record([Record("carla", version, later,
                                        graded(root, version, {"frist": "72 Stunden"}),
                                        attempt=1)])
    assert recorded is not None and recorded.score == 1.0


def test_the_regrade_journal_remembers_until_cleared(released_example, writer):
    root = released_example.grading
    version = writer.version(MODULE)
    writer.record([Record("dora", version, STAMP, graded(root, version, {}), journal=True)])
    assert ("dora", MODULE, version.key, STAMP) in writer.journal()
    writer.clear_journal([MODULE])
    assert writer.journal() == set()


def test_the_module_version_follows_a_new_release(released_example, writer):
    """The version's key covers every cell autograde restores: a changed test, a new key."""
    first = writer.version(MODULE)
    assert writer.version(MODULE) is first  # cached while nothing changed
    assert first.max_score == 4.0 and "Art. 33" in first.cells["frist_test"].source
    module = load_catalog(released_example.courses).module(MODULE)
    source = nbformat.read(module.path, 4)
    for cell in source.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "frist_test":
            cell.source = cell.source.replace("Art. 33", "Artikel 33")
    nbformat.write(source, module.path)
    nbgrader_course.release_module(released_example.grading,
                                   load_catalog(released_example.courses).module(MODULE))
    second = writer.version(MODULE)
    assert second.key != first.key
    assert "Artikel 33" in second.cells["frist_test"].source

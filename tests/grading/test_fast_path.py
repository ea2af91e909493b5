"""The fast path grades exactly as `nbgrader autograde` does (real nbgrader, real gradebook)."""

from __future__ import annotations

import shutil

import nbformat
import pytest
from answer_patterns import answers_for
from nbgrader_reference import autograded_cells, gradebook_snapshot, nbgrader_autograde, store

from kurskit.grading import fast_path, regrade
from kurskit.grading.gradebook_writer import GradebookWriter
from kurskit.grading.module_version import NotFastGradable
from kurskit.grading.submission import build_submission
from kurskit.layout import Project

pytestmark = pytest.mark.nbgrader
CONSISTENCY_PATTERNS = ("solution", "blank", "first-half", "partial-credit", "alternating")


@pytest.fixture(scope="module")
def catalogue_copy(released_real, tmp_path_factory) -> Project:
    """A private copy of the released real catalogue (other tests share the original)."""
    root = tmp_path_factory.mktemp("konsistenz") / "projekt"
    shutil.copytree(released_real.root, root, symlinks=True)
    for kind in ("attempts", "submitted", "autograded", "inbox"):  # other tests' learners
        shutil.rmtree(root / "grading" / kind, ignore_errors=True)
    return Project(root)


def _graded_alike(root, catalog) -> dict:
    """Store every pattern for every module, then grade one copy of the course with
    nbgrader and another, identical and fresh, with the fast path (so no field the fast
    path skips can keep nbgrader's value), and require identical rows and autograded
    notebooks."""
    learners = {}
    for module in catalog.modules:
        for number, pattern in enumerate(CONSISTENCY_PATTERNS):
            learner = f"k{number}-{pattern}"
            store(root, module, learner, answers_for(module, pattern))
            learners[(learner, module.id)] = pattern
    nbgrader_root = root.with_name(f"{root.name}-nbgrader")
    shutil.copytree(root, nbgrader_root, symlinks=True)  # the same submissions, ungraded
    for module in catalog.modules:  # one nbgrader call grades all students of a module
        nbgrader_autograde(nbgrader_root, module.id)
    reference = gradebook_snapshot(nbgrader_root)
    reference_cells = {key: autograded_cells(nbgrader_root, key[0], catalog.module(key[1]))
                       for key in learners}
    assert set(learners) <= set(reference)
    assert {row["score"] for row in reference.values()} > {0.0}
    assert not set(learners) & set(gradebook_snapshot(root))  # fresh: nothing graded yet

    reports = regrade.regrade(root, restart=True, workers=2)
    assert sum(r.graded for r in reports.values()) == len(learners)
    assert not [f for r in reports.values() for f in r.failed]
    fast = gradebook_snapshot(root)
    for key, pattern in learners.items():
        assert fast[key] == reference[key], (key, pattern)
        # formgrader and generate_feedback read the autograded notebook: same cells
        assert autograded_cells(root, key[0], catalog.module(key[1])) == \
            reference_cells[key], key
    return reference


def test_every_module_scores_alike_with_nbgrader_and_the_fast_path(catalogue_copy,
                                                                   real_catalog):
    """Solution, blank and partly right submissions of every real module: same rows."""
    reference = _graded_alike(catalogue_copy.grading, real_catalog)
    full = {m.id: m.notebook.max_points - sum(e.points for e in m.notebook.exercises if e.manual)
            for m in real_catalog.modules}
    partly = [k for k, row in reference.items() if 0 < row["score"] < full[k[1]]]
    assert len(partly) >= 2 * len(real_catalog.modules)


def test_partial_credit_scores_alike_with_nbgrader_and_the_fast_path(released_example):
    """The fixture course has partial credit (points=): fractional scores agree too."""
    from kurskit.authoring.catalog import load_catalog

    catalog = load_catalog(released_example.courses)
    reference = _graded_alike(released_example.grading, catalog)
    fractional = [k for k, row in reference.items() for name, value in row.items()
                  if name.startswith("grade:") and value[0] not in (None, 0)
                  and value[0] != int(value[0])]
    assert fractional, "no partial credit was exercised"


def test_partial_credit_output_is_graded_by_nbgrader_rules(released_example):
    """An execute_result is partial credit; an error or stderr is 0; nothing is full marks."""
    root = released_example.grading
    writer = GradebookWriter(root)
    try:
        version = writer.version("beispiel-02-weitere")
    finally:
        writer.close()
    release = nbformat.read(root / "release" / "beispiel-02-weitere" / "02-weitere.ipynb", 4)
    truth = {"Die DSGVO gilt seit 2018.": True, "Behörden stützen sich auf lit. f.": False,
             "Auch Papierakten können unter die DSGVO fallen.": True,
             "Eine Datenpanne muss nie gemeldet werden.": True}
    graded = fast_path.grade_notebook(version, build_submission(release, {"aussagen": truth}))
    assert graded.auto_scores["aussagen_test"] == 1.5
    cell = next(c for c in graded.notebook.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == "aussagen_test")
    assert [o.output_type for o in cell.outputs] == ["execute_result"]
    assert cell.outputs[0].data["text/plain"] == "1.5"
    assert graded.auto_scores["ablauf_test"] == 0  # unanswered: the check raises
    assert graded.auto_scores["antwortschreiben"] == 0  # free text left as the stub
    assert graded.auto_comments["antwortschreiben"] == "No response."


@pytest.mark.parametrize("source", [
    "frist = __import__('os').system('touch {marker}')\n",
    "import os\nfrist = '72 Stunden'\nopen('{marker}', 'w').close()\n",
    "frist = open('{marker}', 'w').write('x')\n",
])
def test_code_in_an_answer_cell_is_never_run(released_example, source, tmp_path):
    """A notebook that holds code instead of a literal is not fast-gradable; nothing runs:
    the file the code would create is not there."""
    marker = tmp_path / "eingeschleust"
    root = released_example.grading
    writer = GradebookWriter(root)
    try:
        version = writer.version("beispiel-01-kurz")
    finally:
        writer.close()
    notebook = nbformat.read(root / "release" / "beispiel-01-kurz" / "01-kurz.ipynb", 4)
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "frist":
            cell.source = source.format(marker=marker)
    with pytest.raises(NotFastGradable):
        fast_path.grade_notebook(version, notebook)
    assert not marker.exists()


def test_nbgrader_migrations_and_tools_tolerate_kurskit_tables(released_example):
    """The ledger and journal live in the gradebook file; nbgrader's alembic leaves them be."""
    import os
    import sqlite3
    import subprocess
    import sys
    from pathlib import Path

    root = released_example.grading
    GradebookWriter(root).close()
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for command in (["db", "upgrade"], ["db", "student", "list"]):
        completed = subprocess.run([sys.executable, "-m", "nbgrader", *command], cwd=root,
                                   env=env, capture_output=True, text=True, check=False)
        assert completed.returncode == 0, completed.stderr[-2000:]
    with sqlite3.connect(root / "gradebook.db") as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"kurskit_graded_attempt", "kurskit_regrade_journal", "grade"} <= tables


POOL_CASES = {  # the pool `pflichten` of the fixture course: auskunftsfrist was drawn
    "gezogen-richtig": ({"auskunftsfrist": "binnen eines Monats"}, 1.0),
    "gezogen-falsch": ({"auskunftsfrist": "binnen eines Jahres"}, 0.0),
    "keine": ({}, 0.0),
    "alle": ({"auskunftsfrist": "binnen eines Monats", "dsb_pflicht": "ja, jede Behörde",
              "aufsicht": "die oder der Landesbeauftragte für den Datenschutz"}, 0.0),
    # a text that looks like the "not drawn" marker is an answer, not the marker
    "gefaelschte-marke": ({"auskunftsfrist": "binnen eines Monats", "dsb_pflicht": "...",
                           "aufsicht": "..."}, 0.0),
}


def test_pool_submissions_score_alike_with_nbgrader_and_the_fast_path(released_example):
    """One grade cell per pool; drawn right, drawn wrong, none, all, a forged marker: the
    fast path gives what `nbgrader autograde` gives, and only the drawn right answer earns."""
    from kurskit.authoring.catalog import load_catalog

    root = released_example.grading
    module = load_catalog(released_example.courses).module("beispiel-02-weitere")
    for learner, (answers, _) in POOL_CASES.items():
        store(root, module, learner, answers)
    nbgrader_autograde(root, module.id)
    reference = gradebook_snapshot(root)
    for learner, (_, expected) in POOL_CASES.items():
        row = reference[(learner, module.id)]
        assert row["grade:pflichten_test"][0] == expected, learner
        assert not [name for name in row if name.startswith("grade:")
                    and name.removeprefix("grade:").removesuffix("_test")
                    in ("auskunftsfrist", "dsb_pflicht", "aufsicht")]
    reports = regrade.regrade(root, restart=True, workers=1)
    assert sum(r.graded for r in reports.values()) == len(POOL_CASES)
    fast = gradebook_snapshot(root)
    for learner in POOL_CASES:
        assert fast[(learner, module.id)] == reference[(learner, module.id)], learner


def test_the_gradebook_keeps_one_grade_cell_per_pool(released_example):
    """Real generate_assignment: the variants' tests are one grade cell, worth their points,
    and the module's total counts the pool once."""
    from kurskit import nbgrader_course
    from kurskit.authoring.catalog import load_catalog

    module = load_catalog(released_example.courses).module("beispiel-02-weitere")
    with nbgrader_course.open_gradebook(released_example.grading) as book:
        notebook = book.find_assignment(module.id).notebooks[0]
        cells = {c.name: float(c.max_score) for c in notebook.grade_cells}
        total = float(notebook.max_score)
    assert cells["pflichten_test"] == 1.0
    assert not {"auskunftsfrist_test", "dsb_pflicht_test", "aufsicht_test"} & set(cells)
    assert total == module.notebook.max_points == 8.0

"""`kurskit grade`: regrade stored submissions, resumable, with per-module counts."""

from __future__ import annotations

import nbformat
import pytest
from answer_patterns import answers_for
from nbgrader_reference import gradebook_snapshot, store

from kurskit.grading import regrade
from kurskit.authoring.catalog import load_catalog
from kurskit.cli import main

pytestmark = pytest.mark.nbgrader


@pytest.fixture
def stored(released_example):
    """Four learners with submissions to both fixture modules."""
    catalog = load_catalog(released_example.courses)
    for number, pattern in enumerate(("solution", "blank", "partial-credit", "first-half")):
        for module in catalog.modules:
            store(released_example.grading, module, f"r{number}", answers_for(module, pattern))
    return released_example


def test_grade_all_regrades_every_submission_and_reports_per_module(stored, capsys):
    assert main(["--root", str(stored.root), "grade", "--all", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "beispiel-01-kurz" in out and "beispiel-02-weitere" in out
    total = next(line for line in out.splitlines() if line.startswith("total"))
    assert total.split() == ["total", "8", "0", "0"]
    rows = gradebook_snapshot(stored.grading)
    assert rows[("r0", "beispiel-01-kurz")]["score"] == 4.0
    assert rows[("r1", "beispiel-01-kurz")]["score"] == 0.0
    assert (stored.grading / "autograded" / "r2" / "beispiel-02-weitere"
            / "02-weitere.ipynb").is_file()


def test_a_second_run_skips_what_is_done_and_restart_regrades(stored, capsys):
    assert main(["--root", str(stored.root), "grade", "beispiel-01-kurz", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["--root", str(stored.root), "grade", "--all", "--quiet"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert next(x for x in lines if x.startswith("beispiel-01-kurz")).split()[1:] == \
        ["0", "4", "0"]
    assert next(x for x in lines if x.startswith("beispiel-02-weitere")).split()[1:] == \
        ["4", "0", "0"]
    assert main(["--root", str(stored.root), "grade", "--all", "--restart", "--quiet"]) == 0
    total = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("total"))
    assert total.split() == ["total", "8", "0", "0"]


def test_an_interrupted_run_resumes_where_it_stopped(stored):
    ticks = []

    def progress(total):
        def tick():
            ticks.append(1)
            if len(ticks) == 5:
                raise KeyboardInterrupt

        return tick

    with pytest.raises(KeyboardInterrupt):
        regrade.regrade(stored.grading, progress=progress, batch=2, workers=1)
    resumed = regrade.regrade(stored.grading, workers=1)
    assert sum(r.skipped for r in resumed.values()) == 4  # two committed batches of two
    assert sum(r.graded for r in resumed.values()) == 4


def test_code_in_a_submission_fails_that_one_with_a_reason_and_exit_1(stored, capsys):
    path = stored.grading / "submitted" / "r1" / "beispiel-01-kurz" / "01-kurz.ipynb"
    notebook = nbformat.read(path, 4)
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "frist":
            cell.source = "frist = __import__('os').getcwd()\n"
    nbformat.write(notebook, path)
    assert main(["--root", str(stored.root), "grade", "--all", "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "failed: r1/beispiel-01-kurz: answer cell 'frist' holds no literal" in out
    assert next(x for x in out.splitlines() if x.startswith("total")).split() == \
        ["total", "7", "0", "1"]


def test_grade_without_modules_or_all_is_a_usage_error(stored, capsys):
    assert main(["--root", str(stored.root), "grade"]) == 2
    assert main(["--root", str(stored.root), "grade", "gibt-es-nicht", "--quiet"]) == 1
    assert "not in the gradebook" in capsys.readouterr().out

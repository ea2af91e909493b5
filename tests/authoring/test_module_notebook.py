from pathlib import Path

import pytest

from conftest import FIXTURES
from kurskit.authoring.module_notebook import read_module

NOTEBOOKS = FIXTURES / "notebooks"


def test_fixture_module_is_clean_and_complete():
    module = read_module(FIXTURES / "courses" / "beispiel" / "01-kurz.ipynb")
    assert module.problems == []
    assert module.declared_id == "beispiel-01-kurz"
    assert [(e.qid, e.spec.kind, e.points) for e in module.exercises] == [
        ("frist", "single_choice", 1.0),
        ("grundsaetze", "multiple_choice", 1.0),
        ("rechtsgrundlagen", "matching", 2.0),
    ]
    assert module.exercise("frist").solution == "72 Stunden"
    assert module.exercise("frist").explanation.startswith("Art. 33")
    assert module.exercise("frist").hint.startswith("Lesen Sie Art. 33 Abs. 1")
    assert "hint" not in module.exercise("frist").check_options  # never passed to a check
    assert module.max_points == 4


@pytest.mark.parametrize("scenario, cell, message", [
    ("malformed", None, "not a valid notebook"),
    ("missing-metadata", None, "no 'kurskit' section"),
    ("duplicate-grade-id", 5, "grade id 'frist' already used in cell 3"),
    ("missing-hidden-tests", 3, "must be followed by its test cell 'frist_test'"),
    ("test-disagrees-with-solution", 4, "solution in the test differs"),
    ("unknown-code-cell", 3, "code cell is none of"),
    ("non-literal-question", 3, "argument 'options' must be a literal"),
    ("picture-not-base64", 2, "attachment 'frist.svg' (image/svg+xml) is not base64-encoded"),
    ("picture-without-alt", 2, "needs an alt text"),
    ("picture-without-alt", 2, "must be a cell attachment"),
    ("hint-names-the-answer", 4, "the hint of 'frist' names the right answer ('72 Stunden')"),
    ("setup-imports-too-little", 2,
     "the setup cell must import matching from kurskit.exercises"),
    ("matching-without-partial-credit", 8,
     "a matching worth 2 points gives partial credit: add points=2"),
])
def test_each_broken_scenario_names_file_cell_and_problem(scenario, cell, message):
    path = NOTEBOOKS / f"{scenario}.ipynb"
    problems = read_module(path)
    matching = [p for p in problems.problems if message in p.message]
    assert matching, [str(p) for p in problems.problems]
    assert matching[0].cell == cell
    line = str(matching[0])
    assert line.startswith(str(path)) and (cell is None or f"cell {cell}:" in line)


def test_problem_lines_are_single_lines():
    for path in Path(NOTEBOOKS).glob("*.ipynb"):
        for problem in read_module(path).problems:
            assert "\n" not in str(problem)

"""Question pools in the source notebook: how they are read and which rules the linter keeps."""

from __future__ import annotations

import nbformat
import pytest

from conftest import FIXTURES
from kurskit.authoring.module_notebook import read_module
from kurskit.authoring.questions import KINDS

POOLED = FIXTURES / "courses" / "beispiel" / "02-weitere.ipynb"
VARIANTS = ["auskunftsfrist", "dsb_pflicht", "aufsicht"]


def _cells(notebook, grade_id):
    return next(i for i, c in enumerate(notebook.cells)
                if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _variant(tmp_path, change):
    notebook = nbformat.read(POOLED, as_version=4)
    change(notebook)
    path = tmp_path / "02-weitere.ipynb"
    nbformat.write(notebook, path)
    return read_module(path)


def test_the_fixture_pool_is_read_as_one_graded_unit():
    module = read_module(POOLED)
    assert module.problems == []
    assert [e.qid for e in module.pools["pflichten"]] == VARIANTS
    assert {module.exercise(q).grade_id for q in VARIANTS} == {"pflichten_test"}
    assert module.exercise("artikel").grade_id == "artikel_test"
    assert module.max_points == 8  # 2+1+1+1 + the pool once (1) + free text 2


def _drop_variants(notebook):
    for qid in ("dsb_pflicht", "aufsicht"):
        index = _cells(notebook, qid)
        del notebook.cells[index:index + 2]


def _split_pool(notebook):
    index = _cells(notebook, "aufsicht")
    pair = notebook.cells[index:index + 2]
    del notebook.cells[index:index + 2]
    target = _cells(notebook, "artikel")
    notebook.cells[target:target] = pair


def _unequal_points(notebook):
    notebook.cells[_cells(notebook, "aufsicht_test")].metadata["nbgrader"]["points"] = 2


def _pool_named_like_a_question(notebook):
    for qid in VARIANTS:
        cell = notebook.cells[_cells(notebook, qid)]
        cell.source = cell.source.replace('pool="pflichten"', 'pool="artikel"')


def _pool_named_like_a_grade_cell(notebook):
    for qid in VARIANTS:
        cell = notebook.cells[_cells(notebook, qid)]
        cell.source = cell.source.replace('pool="pflichten"', 'pool="ablauf_x"')
    notebook.cells[_cells(notebook, "ablauf_test")].metadata["nbgrader"]["grade_id"] = \
        "ablauf_x_test"


@pytest.mark.parametrize("change, message", [
    (_drop_variants, "pool 'pflichten' has only one question"),
    (_split_pool, "pool 'pflichten' is used again after other questions"),
    (_unequal_points, "the variants of pool 'pflichten' must be worth the same points"),
    (_pool_named_like_a_question, "pool id 'artikel' is also a question id"),
    (_pool_named_like_a_grade_cell, "needs the grade id 'ablauf_x_test'"),
])
def test_a_broken_pool_is_a_problem_with_its_cell(tmp_path, change, message):
    module = _variant(tmp_path, change)
    found = [p for p in module.problems if message in p.message]
    assert found, [str(p) for p in module.problems]
    assert found[0].cell is not None


def test_pool_must_be_an_identifier_and_free_text_is_not_pooled(tmp_path):
    def bad_name(notebook):
        cell = notebook.cells[_cells(notebook, "auskunftsfrist")]
        cell.source = cell.source.replace('pool="pflichten"', 'pool="zwei Wörter"')

    def pooled_free_text(notebook):
        cell = notebook.cells[_cells(notebook, "antwortschreiben_frage")]
        cell.source = cell.source.rstrip().removesuffix(")") + 'pool="pflichten")'


    assert any("pool must name its group" in p.message
               for p in _variant(tmp_path, bad_name).problems)
    assert any("unexpected argument 'pool'" in p.message
               for p in _variant(tmp_path, pooled_free_text).problems)


def test_every_answerable_kind_takes_pool_and_shows_it_publicly():
    import ast

    call = ast.parse('single_choice("a", "Frage?", ["x", "y"], pool="gruppe")').body[0].value
    spec = KINDS["single_choice"].spec_from_call(call)
    assert spec.pool == "gruppe" and spec.public()["pool"] == "gruppe"

import ast

import nbformat
import pytest

from kurskit.grading.submission import ModuleOutdated, build_submission, fenced_text

ANSWERS = {"frist": "72 Stunden", "grundsaetze": ["Datenminimierung"],
           "rechtsgrundlagen": {"Bauantrag prüfen": "lit. a – Einwilligung"}}


@pytest.fixture
def release(released_example):
    path = released_example.grading / "release" / "beispiel-01-kurz" / "01-kurz.ipynb"
    return nbformat.read(path, as_version=4)


def test_only_answer_cells_change_and_hold_one_literal(release):
    submission = build_submission(release, ANSWERS)
    assert len(submission.cells) == len(release.cells)
    for before, after in zip(release.cells, submission.cells, strict=True):
        assert before.metadata == after.metadata
        assert before.get("id") == after.get("id")
        nbg = before.metadata.get("nbgrader", {})
        if nbg.get("solution"):
            tree = ast.parse(after.source)
            assert len(tree.body) == 1 and isinstance(tree.body[0], ast.Assign)
            assert tree.body[0].targets[0].id == nbg["grade_id"]
            assert ast.literal_eval(tree.body[0].value) == ANSWERS[nbg["grade_id"]]
        else:
            assert before.source == after.source


def test_unanswered_questions_become_none(release):
    submission = build_submission(release, {})
    sources = [c.source for c in submission.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert sources == ["frist = None\n", "grundsaetze = None\n", "rechtsgrundlagen = None\n"]


def test_unknown_answer_ids_are_refused(release):
    with pytest.raises(ModuleOutdated):
        build_submission(release, {"gibt_es_nicht": "x"})


@pytest.mark.parametrize("text", ["Sehr geehrte Frau Berg,\n\nmit freundlichen Grüßen",
                                  "<img src=x onerror=alert(1)> [link](javascript:x)",
                                  "Code ``` mitten im Text ````"])
def test_free_text_is_fenced_so_trainers_see_it_verbatim(text):
    fenced = fenced_text(text)
    fence = fenced.split("text\n", 1)[0]
    assert fenced == f"{fence}text\n{text}\n{fence}\n"
    assert fence not in text  # the learner cannot close the fence

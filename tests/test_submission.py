import ast
import json

import nbformat
import pytest

from kurskit.submission import (
    build_submission,
    fenced_text,
    list_attempts,
    store_attempt,
    valid_learner_id,
)

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
    with pytest.raises(KeyError):
        build_submission(release, {"gibt_es_nicht": "x"})


def test_attempts_are_numbered_and_kept(tmp_path, release):
    first = store_attempt(tmp_path, "anna", "m", "01-kurz.ipynb",
                          build_submission(release, {}), {})
    second = store_attempt(tmp_path, "anna", "m", "01-kurz.ipynb",
                           build_submission(release, ANSWERS), ANSWERS)
    assert (first.number, second.number) == (1, 2)
    assert [p.name for p in list_attempts(tmp_path, "anna", "m")] == ["0001", "0002"]
    assert json.loads((first.path / "answers.json").read_text("utf-8")) == {}
    submitted = tmp_path / "submitted" / "anna" / "m"
    assert sorted(p.name for p in submitted.iterdir()) == ["01-kurz.ipynb", "timestamp.txt"]
    assert "72 Stunden" in (submitted / "01-kurz.ipynb").read_text("utf-8")


@pytest.mark.parametrize("learner, ok", [("anna.schmidt", True), ("lernende", True),
                                          ("../etc", False), ("Anna", False), ("", False)])
def test_learner_ids_are_safe_path_parts(learner, ok):
    assert valid_learner_id(learner) is ok


@pytest.mark.parametrize("text", ["Sehr geehrte Frau Berg,\n\nmit freundlichen Grüßen",
                                  "<img src=x onerror=alert(1)> [link](javascript:x)",
                                  "Code ``` mitten im Text ````"])
def test_free_text_is_fenced_so_trainers_see_it_verbatim(text):
    fenced = fenced_text(text)
    fence = fenced.split("text\n", 1)[0]
    assert fenced == f"{fence}text\n{text}\n{fence}\n"
    assert fence not in text  # the learner cannot close the fence

"""Drafts and „Prüfen“ counters on the grading side: per learner, per module, counted."""

import pytest

from kurskit.authoring.catalog import load_catalog
from kurskit.grading import drafts


@pytest.fixture
def module(example_project):
    return load_catalog(example_project.courses).module("beispiel-01-kurz")


def test_a_draft_keeps_the_answers_given_and_survives_a_new_reader(tmp_path, module):
    assert drafts.load(tmp_path, "anna", module).answers == {}
    saved = drafts.save(tmp_path, "anna", module, {"frist": "72 Stunden", "grundsaetze": None})
    assert saved.answers == {"frist": "72 Stunden"} and saved.saved_at
    again = drafts.load(tmp_path, "anna", module)
    assert again == saved
    assert again.checks_left == {"frist": 2, "grundsaetze": 2, "rechtsgrundlagen": 2}
    assert drafts.load(tmp_path, "bernd", module).answers == {}  # per learner


def test_each_check_is_counted_and_the_last_one_refused(tmp_path, module):
    frist = module.notebook.exercise("frist")
    wrong = drafts.check(tmp_path, "anna", module, frist, "24 Stunden")
    assert (wrong.points, wrong.correct, wrong.checks_left) == (0.0, False, 1)
    right = drafts.check(tmp_path, "anna", module, frist, "72 Stunden")
    assert (right.points, right.correct, right.checks_left) == (1.0, True, 0)
    with pytest.raises(drafts.NoChecksLeft):
        drafts.check(tmp_path, "anna", module, frist, "72 Stunden")
    assert drafts.load(tmp_path, "anna", module).checks_left["frist"] == 0
    other = drafts.check(tmp_path, "bernd", module, frist, "72 Stunden")  # per learner
    assert other.checks_left == 1


def test_a_module_sets_how_many_checks_a_question_allows(tmp_path, module):
    module.notebook.metadata["checks_per_question"] = 0
    with pytest.raises(drafts.NoChecksLeft):
        drafts.check(tmp_path, "anna", module, module.notebook.exercise("frist"), "72 Stunden")
    assert drafts.load(tmp_path, "anna", module).checks_per_question == 0


def test_a_new_attempt_brings_new_checks(tmp_path, module):
    frist = module.notebook.exercise("frist")
    for _ in range(2):
        drafts.check(tmp_path, "anna", module, frist, "24 Stunden")
    with pytest.raises(drafts.NoChecksLeft):
        drafts.check(tmp_path, "anna", module, frist, "24 Stunden")
    (tmp_path / "attempts" / "anna" / module.id / "0001").mkdir(parents=True)  # submitted
    assert drafts.load(tmp_path, "anna", module).checks_left["frist"] == 2
    assert drafts.check(tmp_path, "anna", module, frist, "24 Stunden").checks_left == 1


def test_a_check_that_fails_to_grade_costs_no_try(tmp_path, module, monkeypatch):
    frist = module.notebook.exercise("frist")

    def broken(exercise, answer):
        raise RuntimeError("the check function failed")

    monkeypatch.setattr(drafts.quickcheck, "points_for", broken)
    with pytest.raises(RuntimeError):
        drafts.check(tmp_path, "anna", module, frist, "24 Stunden")
    assert drafts.load(tmp_path, "anna", module).checks_left["frist"] == 2

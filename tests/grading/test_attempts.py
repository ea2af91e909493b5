"""Attempts on disk: numbered, complete or absent, and nbgrader's current submission."""

import json

import nbformat
import pytest

from kurskit import layout
from kurskit.grading import attempts
from kurskit.grading.submission import build_submission

ANSWERS = {"frist": "72 Stunden", "grundsaetze": ["Datenminimierung"],
           "rechtsgrundlagen": {"Bauantrag prüfen": "lit. a – Einwilligung"}}


@pytest.fixture
def release(released_example):
    path = layout.release_notebook(released_example.grading, "beispiel-01-kurz",
                                   "01-kurz.ipynb")
    return nbformat.read(path, as_version=4)


def test_attempts_are_numbered_and_kept(tmp_path, release):
    first = attempts.store(tmp_path, "anna", "m", "01-kurz.ipynb",
                           build_submission(release, {}), {})
    attempts.make_current(tmp_path, first)
    second = attempts.store(tmp_path, "anna", "m", "01-kurz.ipynb",
                            build_submission(release, ANSWERS), ANSWERS)
    attempts.make_current(tmp_path, second)
    assert (first.number, second.number) == (1, 2)
    assert [p.name for p in attempts.list_attempts(tmp_path, "anna", "m")] == ["0001", "0002"]
    assert json.loads((first.path / "answers.json").read_text("utf-8")) == {}
    submitted = tmp_path / "submitted" / "anna" / "m"
    assert sorted(p.name for p in submitted.iterdir()) == [
        ".kurskit-attempt", "01-kurz.ipynb", "timestamp.txt"]
    assert "72 Stunden" in (submitted / "01-kurz.ipynb").read_text("utf-8")


def test_an_older_attempt_never_replaces_the_current_submission(tmp_path, release):
    first = attempts.store(tmp_path, "anna", "m", "01-kurz.ipynb",
                           build_submission(release, {}), {})
    second = attempts.store(tmp_path, "anna", "m", "01-kurz.ipynb",
                            build_submission(release, ANSWERS), ANSWERS)
    attempts.make_current(tmp_path, second, autograded='{"graded": 2}')
    attempts.make_current(tmp_path, first, autograded='{"graded": 1}')  # e.g. a late retry
    submitted = layout.submitted_dir(tmp_path, "anna", "m")
    autograded = layout.autograded_dir(tmp_path, "anna", "m")
    assert "72 Stunden" in (submitted / "01-kurz.ipynb").read_text("utf-8")
    assert (autograded / "01-kurz.ipynb").read_text("utf-8") == '{"graded": 2}'
    assert (submitted / ".kurskit-attempt").read_text() == "2"


def test_a_failed_write_leaves_no_attempt_and_no_staging(tmp_path, release, monkeypatch):
    def broken(path, data):
        raise OSError("disk full")

    monkeypatch.setattr(attempts.durable, "write_synced", broken)
    with pytest.raises(OSError, match="disk full"):
        attempts.store(tmp_path, "anna", "m", "01-kurz.ipynb", build_submission(release, {}),
                       {})
    folder = layout.attempts_dir(tmp_path, "anna", "m")
    assert [p.name for p in folder.iterdir() if p.name != ".lock"] == []
    monkeypatch.undo()
    assert attempts.store(tmp_path, "anna", "m", "01-kurz.ipynb",
                          build_submission(release, {}), {}).number == 1


def test_attempts_are_listed_in_numeric_order_and_staging_is_not_an_attempt(tmp_path):
    folder = layout.attempts_dir(tmp_path, "anna", "m")
    for name in ("9999", "10000", "0002", ".incoming-x1", "notes"):
        (folder / name).mkdir(parents=True)
    assert [p.name for p in attempts.list_attempts(tmp_path, "anna", "m")] == [
        "0002", "9999", "10000"]


@pytest.mark.parametrize("learner", ["../etc", "Anna", ""])
def test_an_unsafe_learner_id_stores_nothing(tmp_path, release, learner):
    with pytest.raises(ValueError, match="invalid learner id"):
        attempts.store(tmp_path, learner, "m", "01-kurz.ipynb", build_submission(release, {}),
                       {})
    assert not (tmp_path / "attempts").exists()

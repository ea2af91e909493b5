"""The inbox: an acknowledged submission is on disk, queued, until its grade is recorded."""

import json

import pytest
from nbformat.v4 import new_code_cell, new_notebook

from kurskit import layout
from kurskit.grading import inbox


@pytest.fixture
def notebook():
    return new_notebook(cells=[new_code_cell("frist = '72 Stunden'\n")])


def test_accept_stores_the_attempt_and_queues_it(tmp_path, notebook):
    attempt, entry = inbox.accept(tmp_path, "anna", "m", "01-kurz.ipynb", notebook,
                                  {"frist": "72 Stunden"})
    assert (attempt.number, entry.attempt, entry.learner, entry.module) == (1, 1, "anna", "m")
    folder = layout.attempt_dir(tmp_path, "anna", "m", 1)
    assert entry.attempt_path(tmp_path) == folder == attempt.path
    assert sorted(p.name for p in folder.iterdir()) == [
        "01-kurz.ipynb", "answers.json", "timestamp.txt"]
    assert json.loads((folder / "answers.json").read_text("utf-8")) == {"frist": "72 Stunden"}
    assert inbox.pending(tmp_path) == [entry]
    assert inbox.is_pending(tmp_path, "anna", "m", 1)
    assert inbox.read_entry(tmp_path, "anna", "m", 1) == entry
    assert entry.stored_attempt(tmp_path).path == folder


def test_a_recorded_entry_leaves_the_inbox_and_keeps_its_attempt(tmp_path, notebook):
    _, entry = inbox.accept(tmp_path, "anna", "m", "01-kurz.ipynb", notebook, {})
    inbox.done(tmp_path, entry)
    assert inbox.pending(tmp_path) == []
    assert not inbox.is_pending(tmp_path, "anna", "m", 1)
    assert inbox.read_entry(tmp_path, "anna", "m", 1) is None
    assert (layout.attempt_dir(tmp_path, "anna", "m", 1) / "timestamp.txt").is_file()


def test_pending_entries_come_oldest_first_and_odd_files_are_skipped(tmp_path, notebook):
    entries = [inbox.accept(tmp_path, learner, "m", "01-kurz.ipynb", notebook, {})[1]
               for learner in ("carla", "anna", "bernd", "anna")]
    (layout.inbox_dir(tmp_path) / "kaputt.json").write_text("{nicht json", "utf-8")
    (layout.inbox_dir(tmp_path) / ".tmp-halb").write_text("{", "utf-8")
    assert inbox.pending(tmp_path) == entries
    assert [e.attempt for e in entries] == [1, 1, 1, 2]  # numbered per learner and module


def test_an_unsafe_learner_id_is_refused_before_anything_is_written(tmp_path, notebook):
    with pytest.raises(ValueError, match="invalid learner id"):
        inbox.accept(tmp_path, "../anna", "m", "01-kurz.ipynb", notebook, {})
    assert list(tmp_path.iterdir()) == []

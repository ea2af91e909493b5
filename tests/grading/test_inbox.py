"""The inbox: an acknowledged submission is on disk, queued, until its grade is recorded."""

import json
from dataclasses import asdict
from datetime import UTC, datetime

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


def test_a_crash_inside_accept_leaves_no_attempt_that_nobody_grades(tmp_path, notebook,
                                                                    monkeypatch):
    """Issue 13 item 10: attempt and entry appear together or not at all."""
    from kurskit import durable
    from kurskit.grading import results

    def crash(path, data, durable=True):  # the machine stops at the inbox entry's write
        raise OSError("power loss")

    monkeypatch.setattr(durable, "replace", crash)
    with pytest.raises(OSError):
        inbox.accept(tmp_path, "anna", "m", "01-kurz.ipynb", notebook, {})
    monkeypatch.undo()
    assert not results.attempt_state(tmp_path, "anna", "m", 1).exists
    assert inbox.pending(tmp_path) == []
    assert list(layout.inbox_dir(tmp_path).glob("*.json")) == []


def test_an_entry_whose_attempt_never_appeared_is_skipped_and_dropped_when_old(tmp_path):
    entry = inbox.Entry("anna", "m", 3, "01.ipynb", "2020-01-01T00:00:00+00:00")
    fresh = inbox.Entry("anna", "m", 4, "01.ipynb", datetime.now(UTC).isoformat())
    layout.inbox_dir(tmp_path).mkdir(parents=True)
    for queued in (entry, fresh):
        (layout.inbox_dir(tmp_path) / queued.name).write_text(json.dumps(asdict(queued)))
    assert inbox.pending(tmp_path) == []
    assert not (layout.inbox_dir(tmp_path) / entry.name).exists()
    assert (layout.inbox_dir(tmp_path) / fresh.name).exists()  # perhaps still being stored


def test_the_ten_thousandth_attempt_follows_attempt_9999(tmp_path, notebook):
    from kurskit.grading import attempts

    for number in (9999, 10000):
        folder = layout.attempt_dir(tmp_path, "anna", "m", number)
        folder.mkdir(parents=True)
        (folder / "timestamp.txt").write_text("x")
    attempt, _ = inbox.accept(tmp_path, "anna", "m", "01-kurz.ipynb", notebook, {})
    assert attempt.number == 10001
    assert [layout.attempt_number(p) for p in attempts.list_attempts(
        tmp_path, "anna", "m")] == [9999, 10000, 10001]

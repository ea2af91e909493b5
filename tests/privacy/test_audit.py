"""The audit log: append-only JSON lines, who/what/when, robust to a torn last line; staff
actions on personal data (here: a regrade) are recorded."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from privacy_fixtures import own_copy

from kurskit import layout
from kurskit.cli import main
from kurskit.privacy import audit


def test_entries_are_appended_never_rewritten(tmp_path, monkeypatch):
    monkeypatch.setenv(audit.ACTOR_ENV, "admin-meier")
    first = audit.record(tmp_path, "export", subject=None, details={"format": "csv"},
                         now=datetime(2026, 5, 1, 8, 30, tzinfo=UTC))
    path = layout.audit_log(tmp_path)
    written = path.read_bytes()
    audit.record(tmp_path, "privacy-export", subject="lern-x", details={}, who="trainer-b")
    assert path.read_bytes().startswith(written)  # earlier lines untouched
    assert first == {"time": "2026-05-01T08:30:00+00:00", "actor": "admin-meier",
                     "action": "export", "subject": None, "details": {"format": "csv"}}
    assert json.loads(path.read_text("utf-8").splitlines()[1])["actor"] == "trainer-b"
    assert [e["subject"] for e in audit.about(tmp_path, "lern-x")] == ["lern-x"]
    with pytest.raises(ValueError):
        audit.record(tmp_path, "delete-everything", subject=None, details={})


def test_a_torn_last_line_is_skipped_and_marks_replace_the_learner(tmp_path):
    audit.record(tmp_path, "erase", subject="lern-y", details={})
    with open(layout.audit_log(tmp_path), "a", encoding="utf-8") as handle:
        handle.write('{"time": "2026-')  # a crash in the middle of a write
    assert len(list(audit.entries(tmp_path))) == 1
    assert audit.pseudonymise(tmp_path, "lern-y", "geloescht-0000") == 1
    assert "lern-y" not in layout.audit_log(tmp_path).read_text("utf-8")


@pytest.mark.nbgrader
def test_a_regrade_is_recorded(graded_example, tmp_path):
    project = own_copy(graded_example, tmp_path / "p")
    assert main(["--root", str(project.root), "grade", "beispiel-01-kurz", "--workers", "1",
                 "--quiet", "--actor", "trainerin-mueller"]) == 0
    entry = list(audit.entries(project.grading))[-1]
    assert (entry["action"], entry["actor"], entry["subject"]) == (
        "regrade", "trainerin-mueller", None)
    assert entry["details"]["modules"] == ["beispiel-01-kurz"] and entry["details"]["graded"] == 6


def test_an_entry_appended_while_the_log_is_rewritten_is_kept(tmp_path, monkeypatch):
    """Erasure reads and rewrites the log under the lock that appends wait for."""
    import threading

    audit.record(tmp_path, "export", subject="lern-x", details={})
    read = audit.entries
    writer: list[threading.Thread] = []

    def entries_then_an_append(grading):
        found = list(read(grading))  # what the rewrite is based on
        if not writer:  # another trainer's command appends right now
            writer.append(threading.Thread(target=audit.record, args=(tmp_path, "regrade"),
                                           kwargs={"subject": None, "details": {}}))
            writer[0].start()
            writer[0].join(timeout=0.5)  # blocked by the lock, unless the rewrite holds none
        return iter(found)

    monkeypatch.setattr(audit, "entries", entries_then_an_append)
    assert audit.pseudonymise(tmp_path, "lern-x", "geloescht-0001") == 1
    writer[0].join(timeout=10)
    monkeypatch.setattr(audit, "entries", read)
    assert [(e["action"], e["subject"]) for e in audit.entries(tmp_path)] == [
        ("export", "geloescht-0001"), ("regrade", None)]

"""`kurskit privacy erase`: a learner leaves no trace in files or the gradebook, aggregates
still compute, and nothing changes without --yes or for a wrong learner."""

from __future__ import annotations

import json

import pytest
from privacy_fixtures import ANNA, add_work_in_progress, files_naming, gradebook_text, own_copy

from conftest import LEARNER_NAMES
from kurskit import layout
from kurskit.cli import main
from kurskit.privacy import audit


@pytest.fixture
def project(graded_example, tmp_path):
    copy = own_copy(graded_example, tmp_path / "p")
    add_work_in_progress(copy)
    return copy


def words_of(learner: str) -> list[str]:
    first, last = LEARNER_NAMES[learner]
    return [learner, first, last, f"{first}.{last}@example.org".lower()]


def snapshot(project) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in project.grading.rglob("*") if p.is_file()}


@pytest.mark.nbgrader
def test_erase_leaves_no_trace_and_the_report_still_computes(project, capsys):
    assert files_naming(project.grading, words_of(ANNA))  # the data is really there
    assert ANNA in gradebook_text(project)
    assert main(["--root", str(project.root), "privacy", "erase", ANNA, "--yes",
                 "--actor", "trainerin-mueller"]) == 0
    out = capsys.readouterr().out
    assert "erasure mark" in out and "row(s) in gradebook table student" in out
    assert files_naming(project.grading, words_of(ANNA)) == []
    text = gradebook_text(project)
    assert all(word.lower() not in text.lower() for word in words_of(ANNA))
    # the others stay, graded as before
    assert "lern-q7-bernd" in text and "Zylinsky" in text
    assert (project.grading / "attempts" / "lern-q7-bernd").is_dir()
    # the audit entry about the learner now carries the mark; the erasure is recorded
    entries = list(audit.entries(project.grading))
    mark = entries[-1]["subject"]
    assert mark.startswith("geloescht-") and entries[-1]["action"] == "erase"
    assert [e["subject"] for e in entries] == [mark, mark]
    assert entries[-1]["actor"] == "trainerin-mueller"
    assert main(["--root", str(project.root), "report"]) == 0
    report = json.loads(project.report.read_text("utf-8"))
    assert report["courses"][0]["modules"][0]["learners"] == 5


@pytest.mark.nbgrader
def test_without_yes_it_lists_what_would_go_and_changes_nothing(project, capsys):
    before = snapshot(project)
    for extra in ([], ["--dry-run"], ["--dry-run", "--yes"]):
        assert main(["--root", str(project.root), "privacy", "erase", ANNA, *extra]) == 0
        out = capsys.readouterr().out
        assert "would erase" in out and "nothing changed" in out
        assert "attempts/lern-q7-anna/beispiel-01-kurz/0001/answers.json" in out
        assert "drafts/lern-q7-anna/beispiel-02-weitere.json" in out
        assert "row(s) in gradebook table kurskit_graded_attempt" in out
    assert snapshot(project) == before


@pytest.mark.nbgrader
@pytest.mark.parametrize("learner, code, message", [
    ("lern-q7-nobody", 1, "holds no data about learner"),
    ("../lern-q7-anna", 2, "invalid learner id"),
    ("Anna Quastenberg", 2, "invalid learner id"),
    ("", 2, "invalid learner id"),
])
def test_wrong_learners_are_refused_and_nothing_changes(project, capsys, learner, code,
                                                        message):
    before = snapshot(project)
    assert main(["--root", str(project.root), "privacy", "erase", learner, "--yes"]) == code
    assert message in capsys.readouterr().err
    assert snapshot(project) == before


@pytest.mark.nbgrader
def test_a_learner_only_named_in_the_audit_log_is_known(project):
    from kurskit.privacy.erasure import erase

    audit.record(project.grading, "privacy-export", subject="lern-q7-zoe", details={})
    result = erase(project.grading, "lern-q7-zoe", confirm=True)
    assert result.done and result.log_entries == 1
    assert "lern-q7-zoe" not in layout.audit_log(project.grading).read_text("utf-8")


@pytest.mark.nbgrader
def test_the_gradebook_is_rebuilt_so_deleted_rows_leave_no_bytes(project):
    """Debian's SQLite overwrites deleted rows (secure_delete), others leave them in free
    pages: delete without it, as such a build would, and rebuild."""
    import sqlite3

    from kurskit.privacy.erasure import vacuum_gradebook

    path = layout.gradebook_file(project.grading)
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("PRAGMA secure_delete = OFF")
        connection.execute("UPDATE student SET last_name = 'Xylophonbrecht' "
                           "WHERE id = 'lern-q7-emma'")
    with connection:
        connection.execute("PRAGMA secure_delete = OFF")
        connection.execute("DELETE FROM student WHERE id = 'lern-q7-emma'")
    connection.close()
    assert b"Xylophonbrecht" in path.read_bytes()  # still in a free page
    vacuum_gradebook(project.grading)
    assert b"Xylophonbrecht" not in path.read_bytes()

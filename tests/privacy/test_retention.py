"""`kurskit privacy retention`: the registry's rules delete on schedule (clock injected),
a dry run changes nothing, and every deleting run is in the audit log."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
from privacy_fixtures import ANNA, add_work_in_progress, gradebook_text, own_copy

from kurskit import layout
from kurskit.authoring.catalog import load_catalog
from kurskit.cli import main
from kurskit.privacy import audit, retention
from kurskit.privacy.registry import load_registry


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def project(graded_example, tmp_path):
    copy = own_copy(graded_example, tmp_path / "p")
    add_work_in_progress(copy)  # draft saved 2026-03-21 09:00, audit entry 2026-03-22
    counter = layout.checks_file(copy.grading, ANNA, "beispiel-02-weitere")
    os.utime(counter, (at("2026-03-21T09:00").timestamp(),) * 2)
    return copy


def run(project, now: str, dry_run: bool = False):
    return retention.apply(project.grading, load_catalog(project.courses), now=at(now),
                           dry_run=dry_run, who="cron")


def files(project) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in project.grading.rglob("*") if p.is_file()}


@pytest.mark.nbgrader
def test_drafts_and_checks_go_90_days_after_the_last_activity(project):
    draft = layout.draft_file(project.grading, ANNA, "beispiel-02-weitere")
    counter = layout.checks_file(project.grading, ANNA, "beispiel-02-weitere")
    early = run(project, "2026-06-18T12:00")  # 89 days: nothing is due
    assert early.due["drafts"] == early.due["checks"] == [] and draft.is_file()
    before = files(project)
    dry = run(project, "2026-06-20T12:00", dry_run=True)
    assert dry.due["drafts"] == ["drafts/lern-q7-anna/beispiel-02-weitere.json"]
    assert dry.due["checks"] == ["checks/lern-q7-anna/beispiel-02-weitere.json"]
    assert files(project) == before  # the dry run changed nothing, not even the log
    done = run(project, "2026-06-20T12:00")
    assert done.due == dry.due and not draft.exists() and not counter.exists()
    assert not (project.grading / "drafts" / ANNA).exists()  # no empty folder names her
    last = list(audit.entries(project.grading))[-1]
    assert (last["action"], last["actor"], last["subject"]) == ("retention", "cron", None)
    assert last["details"] == {"drafts": 1, "checks": 1}
    # attempts, results and gradebook rows are untouched by these rules
    assert (project.grading / "attempts" / ANNA / "beispiel-01-kurz" / "0001").is_dir()


@pytest.mark.nbgrader
def test_attempts_go_12_months_after_the_course_was_passed_else_24(project):
    course_yml = project.courses / "beispiel" / "course.yml"  # a one-module course
    course_yml.write_text(course_yml.read_text("utf-8").replace("  - 02-weitere.ipynb\n", ""),
                          "utf-8")
    # passed module 01 (>= 60 %): anna 03-02, bernd 03-03, carla 03-10, fritz 03-19
    found = run(project, "2027-03-15T00:00").due["attempts"]
    for learner in ("lern-q7-anna", "lern-q7-bernd", "lern-q7-carla"):
        for part in ("attempts", "submitted", "autograded"):
            assert f"{part}/{learner}/beispiel-01-kurz" in found
            assert not (project.grading / part / learner / "beispiel-01-kurz").exists()
    assert not [f for f in found if "fritz" in f or "dirk" in f or "emma" in f]
    assert (project.grading / "attempts" / ANNA / "beispiel-02-weitere").is_dir()  # not in it
    # dirk and emma did not pass: 24 months after their last attempt (03-11, 03-18)
    assert "attempts/lern-q7-dirk/beispiel-01-kurz" in run(project, "2028-03-15T00:00").due[
        "attempts"]
    assert (project.grading / "attempts" / "lern-q7-emma" / "beispiel-01-kurz").is_dir()


@pytest.mark.nbgrader
def test_an_inactive_learner_is_erased_after_36_months(project, capsys):
    layout.draft_file(project.grading, ANNA, "beispiel-02-weitere").unlink()
    layout.checks_file(project.grading, ANNA, "beispiel-02-weitere").unlink()
    # anna's last submission: 2026-03-05; everyone else's is later
    assert main(["--root", str(project.root), "privacy", "retention", "--dry-run"]) == 0
    assert main(["--root", str(project.root), "privacy", "retention"]) == 0  # today: nothing
    assert "lern-q7-anna (all data)" in retention.describe(
        run(project, "2029-03-08T00:00", dry_run=True))[2]
    done = run(project, "2029-03-08T00:00")
    due = done.due
    assert due["account"] == ["lern-q7-anna (all data)"]
    assert "account: deleted 1" in retention.describe(done)
    assert not [line for line in retention.describe(done) if "lern-q7" in line]
    assert not (project.grading / "attempts" / ANNA).exists()
    assert ANNA not in layout.audit_log(project.grading).read_text("utf-8")
    # bernd (last submission 2026-03-12) keeps his account; his attempts of the course he
    # did not pass are past 24 months and went by the attempts rule
    text = gradebook_text(project)
    assert "lern-q7-bernd" in text and ANNA not in text
    assert due["attempts"] and not (project.grading / "attempts" / "lern-q7-bernd").exists()
    assert "retention at" in capsys.readouterr().out


@pytest.mark.nbgrader
def test_nbgrader_log_goes_30_days_after_its_last_write(project):
    log = layout.nbgrader_log(project.grading)
    os.utime(log, (at("2026-04-01T00:00").timestamp(),) * 2)
    assert run(project, "2026-04-30T00:00").due["service_logs"] == []
    assert run(project, "2026-05-02T00:00").due["service_logs"] == [".nbgrader.log"]
    assert not log.exists()


@pytest.mark.nbgrader
def test_audit_entries_go_after_24_months(project):
    audit.record(project.grading, "export", subject=None, details={},
                 now=at("2027-01-01T00:00"))
    due = run(project, "2028-03-23T00:00").due["audit"]
    assert due == ["audit entry of 2026-03-22T08:00:00+00:00 (regrade)"]
    assert [e["action"] for e in audit.entries(project.grading)] == ["export", "retention"]


def test_every_stored_data_type_has_a_rule_and_the_registry_names_every_rule():
    registry = load_registry()
    for type_id, data_type in registry.types.items():
        rule = data_type.retention
        assert data_type.planned or rule.same_as or type_id in retention.RULES, type_id
        if type_id in retention.RULES:
            assert rule.trigger and (rule.days or rule.months), type_id
    assert set(retention.RULES) <= set(registry.types)
    assert registry.retention("drafts").days == 90
    assert registry.retention("results") == registry.retention("attempts")

"""The one owner of the project's paths: where things live, and ids safe as path parts."""

from pathlib import Path

import pytest

from kurskit import layout
from kurskit.layout import Project


@pytest.mark.parametrize("learner, ok", [("anna.schmidt", True), ("lernende", True),
                                          ("../etc", False), ("Anna", False), ("", False)])
def test_learner_ids_are_safe_path_parts(learner, ok):
    assert layout.valid_learner_id(learner) is ok


def test_every_folder_of_a_project_derives_from_its_root(tmp_path):
    project = Project(tmp_path)
    assert project.courses == tmp_path / "courses"
    assert project.grading == tmp_path / "grading"
    assert project.portal == tmp_path / "build" / "portal"
    assert project.site == tmp_path / "build" / "site"
    assert project.report == tmp_path / "build" / "report" / "fortschritt.json"


def test_nbgrader_finds_what_kurskit_writes_where_it_expects_it(tmp_path):
    """nbgrader's course layout: release/<assignment>/, submitted/<student>/<assignment>/."""
    grading = tmp_path / "grading"
    assert layout.release_notebook(grading, "m", "01-a.ipynb") == (
        grading / "release" / "m" / "01-a.ipynb")
    assert layout.submitted_dir(grading, "anna", "m") == grading / "submitted" / "anna" / "m"
    assert layout.autograded_dir(grading, "anna", "m") == grading / "autograded" / "anna" / "m"
    assert layout.gradebook_file(grading) == grading / "gradebook.db"
    assert layout.attempt_dir(grading, "anna", "m", 7).name == "0007"
    assert layout.attempt_number(Path("0007")) == 7 and layout.attempt_number(Path(".x")) is None


def test_the_root_comes_from_the_deployment_when_it_names_one(tmp_path, monkeypatch):
    monkeypatch.setenv("KURSKIT_ROOT", str(tmp_path))
    assert Project.from_env(Path("/anderswo")).root == tmp_path.resolve()
    monkeypatch.delenv("KURSKIT_ROOT")
    assert Project.from_env(tmp_path / "hier").root == (tmp_path / "hier").resolve()

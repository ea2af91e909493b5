"""`kurskit check`: static lint plus the round trip through real nbgrader."""

import shutil

import pytest

from conftest import FIXTURES, REPO
from kurskit.cli import main
from kurskit.release.check import check

pytestmark = pytest.mark.nbgrader


def test_real_catalogue_is_clean_through_nbgrader(capsys):
    assert main(["--root", str(REPO), "check"]) == 0
    assert "all courses are clean" in capsys.readouterr().out


def test_hidden_test_that_rejects_the_solution_is_caught(tmp_path):
    course = tmp_path / "courses" / "beispiel"
    shutil.copytree(FIXTURES / "courses" / "beispiel", course)
    shutil.copy2(FIXTURES / "notebooks" / "hidden-test-rejects-solution.ipynb",
                 course / "01-kurz.ipynb")
    problems = check(tmp_path / "courses", REPO / "grading")
    messages = [str(p) for p in problems]
    assert any("solution of 'frist' scores 0.0 of 1.0 points" in m and "cell 4" in m
               for m in messages), messages


@pytest.mark.parametrize("scenario", ["duplicate-grade-id", "malformed", "missing-hidden-tests"])
def test_cli_exits_non_zero_with_one_line_per_problem(tmp_path, capsys, scenario):
    course = tmp_path / "courses" / "beispiel"
    shutil.copytree(FIXTURES / "courses" / "beispiel", course)
    shutil.copy2(FIXTURES / "notebooks" / f"{scenario}.ipynb", course / "01-kurz.ipynb")
    assert main(["--root", str(tmp_path), "check"]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines and all("01-kurz.ipynb" in line for line in lines)


def test_broken_manifest_fails_the_check(tmp_path, capsys):
    shutil.copytree(FIXTURES / "broken-courses", tmp_path / "courses")
    assert main(["--root", str(tmp_path), "check", "--static"]) == 1
    out = capsys.readouterr().out
    assert "manifest-malformed-yaml/course.yml: not valid YAML" in out

"""`kurskit report`: aggregates from a real nbgrader gradebook, small groups withheld, and no
learner id or name anywhere in the report or the built handbook."""

import json
from datetime import date

import pytest

from conftest import LEARNER_NAMES
from kurskit.authoring.catalog import load_catalog
from kurskit.cli import main
from kurskit.release.build import build_site
from kurskit.reporting.progress import MIN_GROUP, Attempt, Result, aggregate, period_label, periods

MONDAY = date(2026, 3, 2)  # KW 10/2026


def week(n: int) -> date:
    from datetime import timedelta

    return MONDAY + timedelta(weeks=n)


@pytest.fixture(scope="module")
def reported(graded_example):
    assert main(["--root", str(graded_example.root), "report"]) == 0
    report = json.loads(graded_example.report.read_text("utf-8"))
    build_site(graded_example)
    return graded_example, report


@pytest.mark.nbgrader
def test_module_figures_come_from_the_gradebook(reported):
    _, report = reported
    course = report["courses"][0]
    first = course["modules"][0]
    # four of six pass (>= 60 %): 100, 100, 75, 50, 25 and 100 % after a second attempt
    assert (first["learners"], first["passed"], first["average_percent"]) == (6, 4, 75.0)
    assert first["submissions"] == 7 and first["suppressed"] is False
    assert first["periods"] == [{"label": "KW 10–12/2026", "from": "2026-03-02",
                                 "to": "2026-03-22", "learners": 6, "submissions": 7,
                                 "passed": 4}]


@pytest.mark.nbgrader
def test_a_module_with_three_learners_is_withheld_everywhere(reported):
    _, report = reported
    course = report["courses"][0]
    second = course["modules"][1]
    assert second["suppressed"] is True
    assert all(second[k] is None for k in ("learners", "passed", "average_percent",
                                            "submissions"))
    assert second["periods"] == []
    # the course and the totals leave the small module out, so nothing can be subtracted
    assert course["withheld_modules"] == ["Weitere Fragearten"]
    assert (course["learners"], course["passed_modules"], course["average_percent"]) == (
        6, 4, 75.0)
    assert course["completed"] is None  # "every module passed" would tell about module 02
    assert report["totals"]["learners"] == 6 and report["totals"]["submissions"] == 7


@pytest.mark.nbgrader
def test_progress_page_shows_charts_tables_and_the_withheld_module(reported):
    project, _ = reported
    page = (project.site / "fortschritt.html").read_text("utf-8")
    assert "Fortschritt" in page and "weniger als 5" in page
    assert "KW 10–12/2026" in page and "75,0 %" in page
    assert page.count("<img") >= 3 and 'alt="Balkendiagramm' in page
    for chart in ("kurse.svg", "verlauf.svg", "beispiel.svg"):
        svg = (project.site / "fortschritt" / chart).read_text("utf-8")
        assert "<title>" in svg and "<desc>" in svg and 'lang="de"' in svg
    assert "weniger als 5 Lernende" in (project.site / "fortschritt" / "beispiel.svg").read_text(
        "utf-8")


@pytest.mark.nbgrader
def test_no_learner_id_or_name_appears_in_report_or_site(reported, capsys):
    project, _ = reported
    assert main(["--root", str(project.root), "report"]) == 0
    printed = capsys.readouterr()
    words = [w for learner, names in LEARNER_NAMES.items() for w in (learner, *names)]
    places = [project.report, *(p for p in project.site.rglob("*") if p.is_file())]
    assert len(places) > 50
    for path in places:
        data = path.read_bytes()
        for word in words:
            assert word.encode() not in data and word.lower().encode() not in data, (word, path)
    for word in words:
        assert word not in printed.out + printed.err


def test_small_weeks_are_merged_into_periods_of_five_learners():
    attempts = [Attempt(f"l{i}", "m", week(0)) for i in range(3)]
    attempts += [Attempt(f"l{i}", "m", week(1)) for i in range(3, 5)]   # 5 learners: closes
    attempts += [Attempt(f"l{i}", "m", week(3)) for i in range(5, 10)]  # 5 more: closes
    attempts += [Attempt("l10", "m", week(4))]  # one more: joins the period before
    results = [Result(a.learner, "m", 100.0, True, a.week) for a in attempts]
    found = periods(results, attempts)
    assert [(p["label"], p["learners"], p["passed"]) for p in found] == [
        ("KW 10–11/2026", 5, 5), ("KW 13–14/2026", 6, 6)]
    assert all(p["learners"] >= MIN_GROUP for p in found)
    assert periods(results[:4], attempts[:4]) == []  # four learners in all: no series


def test_period_labels_span_years():
    assert period_label(date(2025, 12, 22), date(2026, 1, 5)) == "KW 52/2025 – KW 2/2026"
    assert period_label(MONDAY, MONDAY) == "KW 10/2026"


def test_course_figures_never_allow_subtracting_a_small_module(tmp_path):
    """Course minus the shown modules must not give back the withheld module's figures."""
    from conftest import FIXTURES

    catalog = load_catalog(FIXTURES / "courses")
    results = [Result(f"a{i}", "beispiel-01-kurz", 50.0 + i, i % 2 == 0, MONDAY)
               for i in range(7)]
    results += [Result(f"b{i}", "beispiel-02-weitere", 10.0, False, MONDAY) for i in range(2)]
    attempts = [Attempt(r.learner, r.module_id, r.week) for r in results]
    course = aggregate(catalog, results, attempts)["courses"][0]
    shown = course["modules"][0]
    for key_course, key_module in (("learners", "learners"), ("passed_modules", "passed"),
                                   ("average_percent", "average_percent"),
                                   ("submissions", "submissions")):
        assert course[key_course] == shown[key_module]


def test_report_without_a_gradebook_says_to_build_first(example_project, capsys):
    assert main(["--root", str(example_project.root), "report"]) == 1
    assert "run `kurskit build` first" in capsys.readouterr().err

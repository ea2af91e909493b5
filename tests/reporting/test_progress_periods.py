"""Issue 15, item 7: periods count „Lernende“ and „bestanden“ on the same basis (the week of
each learner's current result), and only closed calendar weeks are published."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from conftest import FIXTURES
from kurskit.authoring.catalog import load_catalog
from kurskit.reporting.progress import MIN_GROUP, Attempt, Result, aggregate, periods

MONDAY = date(2026, 3, 2)  # KW 10/2026
MODULE = "beispiel-01-kurz"


def week(n: int) -> date:
    return MONDAY + timedelta(weeks=n)


def test_a_period_never_reads_five_learners_when_its_passed_count_describes_one():
    # five learners fail in week 0; four of them pass in week 2, one stays at week 0;
    # the old count put all five into week 0's „Lernende“ and only the one into its 0
    attempts = [Attempt(f"l{i}", MODULE, week(0)) for i in range(5)]
    attempts += [Attempt(f"l{i}", MODULE, week(2)) for i in range(4)]
    attempts += [Attempt(f"n{i}", MODULE, week(2)) for i in range(3)]
    results = [Result("l4", MODULE, 20.0, False, week(0))]
    results += [Result(f"l{i}", MODULE, 100.0, True, week(2)) for i in range(4)]
    results += [Result(f"n{i}", MODULE, 100.0, True, week(2)) for i in range(3)]
    found = periods(results, attempts)
    assert [(p["label"], p["learners"], p["passed"], p["submissions"]) for p in found] == [
        ("KW 10–12/2026", 8, 7, 12)]
    # every learner is counted once, in the period of their current result
    assert sum(p["learners"] for p in found) == len({r.learner for r in results})


def test_passed_is_always_a_part_of_the_learners_of_the_same_period():
    results = [Result(f"a{i}", MODULE, 100.0 * (i % 2), i % 2 == 1, week(i // 5))
               for i in range(23)]
    attempts = [Attempt(r.learner, MODULE, r.week) for r in results]
    attempts += [Attempt(f"a{i}", MODULE, week(0)) for i in range(10, 23)]  # early tries
    for period in periods(results, attempts):
        assert period["learners"] >= MIN_GROUP and 0 <= period["passed"] <= period["learners"]
    assert sum(p["learners"] for p in periods(results, attempts)) == 23


def test_only_closed_calendar_weeks_are_published():
    catalog = load_catalog(FIXTURES / "courses")
    results = [Result(f"a{i}", MODULE, 100.0, True, week(0)) for i in range(5)]
    results += [Result(f"b{i}", MODULE, 0.0, False, week(1)) for i in range(2)]
    attempts = [Attempt(r.learner, MODULE, r.week) for r in results]
    # Wednesday of week 1: week 1 is running, its two learners are in no figure yet
    running = datetime.combine(week(1) + timedelta(days=2), datetime.min.time(), UTC)
    report = aggregate(catalog, results, attempts, generated=running)
    module = report["courses"][0]["modules"][0]
    assert (module["learners"], module["passed"], module["submissions"]) == (5, 5, 5)
    assert [p["label"] for p in module["periods"]] == ["KW 10/2026"]
    assert report["totals"]["learners"] == 5 and report["closed_until"] == "2026-03-08"
    # after the week has ended (Monday of week 2, Berlin time) they count
    closed = datetime.combine(week(2), datetime.min.time(), UTC) + timedelta(hours=1)
    module = aggregate(catalog, results, attempts, generated=closed)["courses"][0]["modules"][0]
    assert (module["learners"], module["passed"]) == (7, 5)
    assert [(p["label"], p["learners"]) for p in module["periods"]] == [("KW 10–11/2026", 7)]


def test_the_progress_page_says_how_periods_count(tmp_path):
    from kurskit.handbook.progress import PAGE, progress_files
    from kurskit.reporting.progress import write_report

    catalog = load_catalog(FIXTURES / "courses")
    results = [Result(f"a{i}", MODULE, 100.0, True, week(0)) for i in range(5)]
    running = datetime.combine(week(1) + timedelta(days=2), datetime.min.time(), UTC)
    report = aggregate(catalog, results, [Attempt(r.learner, MODULE, r.week) for r in results],
                       generated=running)
    page = progress_files(write_report(report, tmp_path / "fortschritt.json"))[PAGE]
    assert "beschreiben beide Zahlen dieselben Personen" in page
    assert "Nur abgeschlossene Wochen" in page and "(dieser Bericht: bis 8.3.2026)" in page

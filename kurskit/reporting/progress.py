"""`kurskit report`: learning progress for managers, as aggregates only.

Reads nbgrader's gradebook (the system of record: each learner's current score per
module, manual grades included) and the submission timestamps of every attempt
(`grading/attempts/`), and writes figures per course and module — learners who started,
passed, average score, and a time series by calendar week — to a JSON file that the
handbook turns into the page „Fortschritt“.

Data protection: no learner id or name leaves this module, and no figure is published for
a group of fewer than MIN_GROUP learners:
- a module with 1–4 learners shows no figures at all ("weniger als 5");
- course and organisation figures are computed without such modules, so that no one can
  get a small module's figures back as "course minus the other modules";
- „Kurs abgeschlossen“ (every module passed) is withheld while a module of the course is
  withheld, since it would tell about that module's learners;
- calendar weeks are merged into periods of at least MIN_GROUP learners, so no small
  week is shown and none can be got back by subtracting the shown ones from the total;
- a period counts „Lernende“ and „bestanden“ on the same basis: each learner's current
  result, in the week it was submitted. So every learner is in exactly one period per
  module, and „5 Lernende, 0 bestanden“ describes five people, not one („Abgaben“ still
  counts every attempt of the period: it counts events, not people);
- only closed calendar weeks are published: results of the running week (Europe/Berlin,
  at report time) wait for the next report after the week has ended, in every figure.
  Comparing two reports can still show what one closed week added; periods of >= 5 and
  one step per week bound that, they do not remove it (see the handbook page).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from kurskit import durable, layout, nbgrader_course
from kurskit.authoring.catalog import Catalog, Course
from kurskit.grading.attempts import list_attempts
from kurskit.nbgrader_course import TIMESTAMP_FORMAT
from kurskit.reporting import mandatory

MIN_GROUP = 5
FORMAT = 1


@dataclass(frozen=True)
class Result:
    """One learner's current result in one module (stays inside this module)."""

    learner: str
    module_id: str
    percent: float
    passed: bool
    week: date  # Monday of the calendar week of the graded submission


@dataclass(frozen=True)
class Attempt:
    learner: str
    module_id: str
    week: date


def week_of(moment: datetime) -> date:
    """Monday of the (German) calendar week of a moment."""
    local = moment.replace(tzinfo=moment.tzinfo or UTC).astimezone(berlin())
    day = local.date()
    return day - timedelta(days=day.weekday())


def berlin() -> Any:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Europe/Berlin")
    except Exception:  # no time zone database: UTC weeks are off by at most a few hours
        return UTC


def read_results(grading_root: Path, catalog: Catalog) -> tuple[list[Result], list[Attempt]]:
    """Current results from the gradebook, and every attempt with its week."""
    results: list[Result] = []
    attempts: list[Attempt] = []
    current = nbgrader_course.current_submissions(grading_root,
                                                  [m.id for m in catalog.modules])
    for course in catalog.courses:
        for module in course.modules:
            threshold = module.policy.pass_percent  # the course's, or the module's own
            for submission in current.get(module.id, []):
                if submission.timestamp is None:
                    continue
                maximum = submission.max_score
                percent = 100 * submission.score / maximum if maximum else 0.0
                graded_week = week_of(submission.timestamp)
                results.append(Result(submission.learner, module.id, percent,
                                      percent >= threshold, graded_week))
                weeks = _attempt_weeks(grading_root, submission.learner, module.id)
                attempts += [Attempt(submission.learner, module.id, week)
                             for week in weeks or [graded_week]]
    return results, attempts


def _attempt_weeks(grading_root: Path, learner: str, module_id: str) -> list[date]:
    weeks = []
    for folder in list_attempts(grading_root, learner, module_id):
        try:
            stamp = (folder / layout.TIMESTAMP).read_text("utf-8").strip()
            moment = datetime.strptime(stamp.replace(" UTC", ""), TIMESTAMP_FORMAT[:-3])
        except (OSError, ValueError):
            continue
        weeks.append(week_of(moment.replace(tzinfo=UTC)))
    return weeks


def aggregate(catalog: Catalog, results: list[Result], attempts: list[Attempt],
              generated: datetime | None = None) -> dict[str, Any]:
    """The published figures. Every number describes a group of >= MIN_GROUP learners.

    Only results and attempts of calendar weeks that have ended at `generated` count.
    """
    generated = generated or datetime.now(UTC)
    running_week = week_of(generated)
    results = [r for r in results if r.week < running_week]
    attempts = [a for a in attempts if a.week < running_week]
    by_module: dict[str, list[Result]] = {}
    for result in results:
        by_module.setdefault(result.module_id, []).append(result)
    courses = []
    counted: list[str] = []  # modules whose learners may be counted in larger groups
    for course in catalog.courses:
        modules, shown, withheld = [], [], []
        for module in course.modules:
            group = by_module.get(module.id, [])
            figures: dict[str, Any] = {"id": module.id, "title": module.title}
            if 0 < len(group) < MIN_GROUP:
                withheld.append(module.title)
                figures.update(suppressed=True, learners=None, passed=None,
                               average_percent=None, submissions=None, periods=[])
            else:
                shown.append(module.id)
                module_attempts = [a for a in attempts if a.module_id == module.id]
                figures.update(suppressed=False, **_figures(group, module_attempts))
            modules.append(figures)
        counted += shown
        group = [r for r in results if r.module_id in shown]
        figures = {"id": course.id, "title": course.title, "pass_percent": course.pass_percent,
                   "modules": modules, "withheld_modules": withheld}
        if withheld and not group:  # everything this course has comes from small modules
            figures.update(suppressed=True, learners=None, passed_modules=None,
                           average_percent=None, submissions=None, periods=[], completed=None)
        else:
            figures.update(suppressed=False, **_figures(
                group, [a for a in attempts if a.module_id in shown], passed_key="passed_modules"))
            figures["completed"] = None if withheld else _completed(course, by_module)
        courses.append(figures)
    totals = _figures([r for r in results if r.module_id in counted],
                      [a for a in attempts if a.module_id in counted], passed_key="passed_modules")
    return {"format": FORMAT, "min_group": MIN_GROUP,
            "generated": generated.isoformat(timespec="minutes"),
            "closed_until": (running_week - timedelta(days=1)).isoformat(),
            "totals": totals, "courses": courses}


def _figures(group: list[Result], attempts: list[Attempt],
             passed_key: str = "passed") -> dict[str, Any]:
    learners = {r.learner for r in group}
    if not learners:
        return {"learners": 0, passed_key: 0, "average_percent": None, "submissions": 0,
                "periods": []}
    return {"learners": len(learners), passed_key: sum(r.passed for r in group),
            "average_percent": round(sum(r.percent for r in group) / len(group), 1),
            "submissions": len(attempts), "periods": periods(group, attempts, passed_key)}


def _completed(course: Course, by_module: dict[str, list[Result]]) -> int:
    """Learners who passed every module of the course."""
    passed = [{r.learner for r in by_module.get(m.id, []) if r.passed} for m in course.modules]
    return len(set.intersection(*passed)) if passed else 0


def periods(group: list[Result], attempts: list[Attempt],
            passed_key: str = "passed") -> list[dict[str, Any]]:
    """Consecutive calendar weeks merged until each period has >= MIN_GROUP learners.

    A learner belongs to the week of their current result, for „Lernende“ and „bestanden“
    alike; „Abgaben“ counts the attempts submitted in the period.
    """
    learners_in: dict[date, set[str]] = {}
    for current_result in group:
        learners_in.setdefault(current_result.week, set()).add(current_result.learner)
    buckets: list[list[date]] = []
    current: list[date] = []
    seen: set[str] = set()
    for week in sorted(learners_in):
        current.append(week)
        seen |= learners_in[week]
        if len(seen) >= MIN_GROUP:
            buckets.append(current)
            current, seen = [], set()
    if current:
        if not buckets:
            return []  # fewer than MIN_GROUP learners in all: no series at all
        buckets[-1] += current  # a small last period joins the one before
    result = []
    for weeks in buckets:
        first, last = weeks[0], weeks[-1]
        inside = [r for r in group if first <= r.week <= last]
        result.append({
            "label": period_label(first, last), "from": first.isoformat(),
            "to": (last + timedelta(days=6)).isoformat(),
            "learners": len({r.learner for r in inside}),
            "submissions": sum(first <= a.week <= last for a in attempts),
            passed_key: sum(r.passed for r in inside)})
    return result


def period_label(first: date, last: date) -> str:
    """„KW 10/2026“, „KW 10–12/2026“ or „KW 52/2025 – KW 2/2026“."""
    (y1, w1, _), (y2, w2, _) = first.isocalendar(), last.isocalendar()
    if (y1, w1) == (y2, w2):
        return f"KW {w1}/{y1}"
    if y1 == y2:
        return f"KW {w1}–{w2}/{y1}"
    return f"KW {w1}/{y1} – KW {w2}/{y2}"


def write_report(report: dict[str, Any], path: Path) -> Path:
    durable.write_json(path, report)
    return path


def make_report(grading_root: Path, catalog: Catalog, output: Path,
                progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Read the gradebook, aggregate, write `output`; returns the report written."""
    if progress:
        progress(f"reading the gradebook for {len(catalog.modules)} modules")
    results, attempts = read_results(grading_root, catalog)
    report = aggregate(catalog, results, attempts)
    learners: dict[str, set[str]] = {}
    for result in results:
        learners.setdefault(result.module_id, set()).add(result.learner)
    report["mandatory"] = mandatory.quotas(grading_root, catalog, learners, MIN_GROUP)
    write_report(report, output)
    return report


def summary(report: dict[str, Any]) -> Iterable[str]:
    """English lines for the CLI (aggregates only, like the report)."""
    withheld = sum(m["suppressed"] for c in report["courses"] for m in c["modules"])
    totals = report["totals"]
    yield (f"{totals['learners']} learners, {totals['submissions']} submissions, "
           f"{totals['passed_modules']} modules passed in {len(report['courses'])} courses")
    if withheld:
        yield (f"{withheld} module(s) withheld: fewer than {report['min_group']} learners "
               "(their data is left out of course and total figures too)")

"""`kurskit export`: grades out of the gradebook, for the LMS and for the Personalamt.

- `moodle`: the shape of Moodle's CSV grade import (Grades → Import → CSV file): one row per
  learner; identifier columns `Username` (kurskit's learner id, the hub login), `ID number`
  (nbgrader's `lms_user_id`) and `Email address`, which Moodle's import maps to `username`,
  `useridnumber` or `useremail`; then per module a column with the counting score (the
  points of nbgrader's current submission, as the module's grading method selects it) and
  „Feedback for <module>“, which Moodle maps to that item's feedback (Moodle warns that a
  feedback column imported without its grade column loses the grades, so they go in pairs).
  Comma-separated, decimal point, UTF-8 (with BOM, which Moodle's CSV reader strips).
  Moodle's grade item must have the module's maximum points as its maximum grade.
- `csv`: the German list for the Personalamt, Excel-friendly (UTF-8 with BOM, `;`):
  Name; Kurs; Status (bestanden / begonnen / offen); Datum (dd.mm.yyyy); Zertifikat gültig
  bis (empty: kurskit issues no certificates yet).

Both files hold personal data: they are for trainers and HR, never for managers, and every
export is recorded in the audit log.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kurskit import durable, layout, nbgrader_course
from kurskit.authoring.catalog import Catalog, Course
from kurskit.nbgrader_course import CurrentSubmission, StudentRecord
from kurskit.privacy import audit
from kurskit.reporting.progress import berlin

BOM = "\ufeff"
GERMAN_HEADER = ["Name", "Kurs", "Status", "Datum", "Zertifikat gültig bis"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what Excel would run as a formula


class ExportError(RuntimeError):
    """The export cannot be made (English message for trainers)."""


@dataclass(frozen=True)
class Exported:
    path: Path
    format: str
    learners: int
    rows: int


def export_grades(grading: Path, catalog: Catalog, *, fmt: str, output: Path,
                  course: str | None = None, who: str | None = None) -> Exported:
    """Write the export to `output` (a new file) and record it in the audit log."""
    if output.exists():
        raise FileExistsError(f"{output} exists; choose a new file name")
    if not output.parent.is_dir():
        raise ExportError(f"{output.parent} is no folder")
    if not nbgrader_course.has_gradebook(grading):
        raise ExportError(f"no gradebook at {layout.gradebook_file(grading)}; "
                          "run `kurskit build` first")
    courses = _courses(catalog, course)
    current = nbgrader_course.current_submissions(
        grading, [m.id for c in courses for m in c.modules])
    students = nbgrader_course.students(grading)
    if fmt == "moodle":
        rows = moodle_rows(courses, students, current)
        text, learners = _csv(rows, ","), len(rows) - 1
    elif fmt == "csv":
        rows = german_rows(courses, students, current)
        text, learners = _csv(rows, ";"), len(students)
    else:
        raise ExportError(f"unknown format {fmt!r}: moodle or csv")
    durable.replace(output, BOM + text)
    audit.record(grading, "export", subject=None, who=who,
                 details={"format": fmt, "course": course, "file": output.name,
                          "learners": learners})
    return Exported(output, fmt, learners, len(rows) - 1)


def _courses(catalog: Catalog, course: str | None) -> list[Course]:
    if course is None:
        return list(catalog.courses)
    chosen = [c for c in catalog.courses if c.id == course]
    if not chosen:
        known = ", ".join(c.id for c in catalog.courses)
        raise ExportError(f"unknown course {course!r}; courses: {known}")
    return chosen


def _csv(rows: list[list[str]], delimiter: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def _by_learner(current: dict[str, list[CurrentSubmission]]
                ) -> dict[tuple[str, str], CurrentSubmission]:
    return {(s.learner, module_id): s for module_id, found in current.items() for s in found}


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value % 1 else str(int(value))


def feedback_text(submission: CurrentSubmission, pass_percent: float) -> str:
    """The German feedback Moodle shows beside the grade."""
    percent = 100 * submission.score / submission.max_score if submission.max_score else 0.0
    verdict = "bestanden" if percent >= pass_percent else "nicht bestanden"
    return (f"{_number(submission.score)} von {_number(submission.max_score)} Punkten "
            f"({percent:.0f} %) – {verdict} (Bestehensgrenze {_number(pass_percent)} %)")


def moodle_rows(courses: list[Course], students: list[StudentRecord],
                current: dict[str, list[CurrentSubmission]]) -> list[list[str]]:
    """Header and one row per learner with a submission in one of the modules."""
    modules = [(c, m) for c in courses for m in c.modules]
    header = ["Username", "ID number", "Email address"]
    for _, module in modules:
        header += [module.title, f"Feedback for {module.title}"]
    found = _by_learner(current)
    rows = [header]
    for student in students:
        if not any((student.learner, m.id) in found for _, m in modules):
            continue
        row = [student.learner, student.lms_user_id or "", student.email or ""]
        for course, module in modules:
            submission = found.get((student.learner, module.id))
            row += ["", ""] if submission is None else [
                _number(submission.score), feedback_text(submission, course.pass_percent)]
        rows.append(row)
    return rows


def german_date(moment: datetime | None) -> str:
    if moment is None:
        return ""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(berlin()).strftime("%d.%m.%Y")


def safe_cell(text: str) -> str:
    """Excel runs a cell starting with =, +, -, @ as a formula: quote it (CSV injection)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _name(student: StudentRecord) -> str:
    names = [n for n in (student.last_name, student.first_name) if n]
    return safe_cell(", ".join(names) if names else student.learner)


def course_status(course: Course, learner: str,
                  found: dict[tuple[str, str], CurrentSubmission]) -> tuple[str, str]:
    """(Status, Datum): passed every module, started, or not yet begun."""
    mine = [found[(learner, m.id)] for m in course.modules if (learner, m.id) in found]
    times = [s.timestamp for s in mine if s.timestamp is not None]
    if not mine:
        return "offen", ""
    passed = [s for s in mine if s.max_score and
              100 * s.score / s.max_score >= course.pass_percent]
    if len(passed) == len(course.modules):
        return "bestanden", german_date(max(times) if times else None)
    return "begonnen", german_date(max(times) if times else None)


def german_rows(courses: list[Course], students: list[StudentRecord],
                current: dict[str, list[CurrentSubmission]]) -> list[list[str]]:
    """Header and one row per learner of the gradebook and course."""
    found = _by_learner(current)
    rows = [GERMAN_HEADER]
    for student in students:
        for course in courses:
            status, when = course_status(course, student.learner, found)
            rows.append([_name(student), safe_cell(course.title), status, when, ""])
    return rows


def describe(exported: Exported) -> Iterable[str]:
    yield (f"{exported.format} export: {exported.rows} row(s) for {exported.learners} "
           f"learner(s) written to {exported.path}")

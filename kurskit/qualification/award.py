"""When a learner has passed every module of a course, the course's certificate.

A module is passed when the attempt its grading method counts reaches the module's pass
mark; the course, when every module is passed and the counted attempts together reach the
course's `pass_percent`. The results are the grading side's stored ones (the gradebook's
grades of each attempt).
"""

from __future__ import annotations

import calendar
import os
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path

from kurskit import deployment, nbgrader_course
from kurskit.authoring import digcomp
from kurskit.authoring.catalog import Course
from kurskit.grading import results
from kurskit.qualification import certificates
from kurskit.qualification.certificates import Certificate
from kurskit.qualification.policy import selected_attempt


def counted_score(root: Path, learner: str, module_id: str,
                  method: str) -> tuple[float, float] | None:
    """(score, max_score) of the attempt the grading method counts; None: none graded."""
    scores = {s.attempt: (s.score, s.max_score) for s in results.summaries(root, learner,
                                                                           module_id)
              if s.score is not None and s.max_score is not None}
    chosen = selected_attempt({n: s for n, (s, _) in scores.items()}, method)
    return None if chosen is None else scores[chosen]


def course_passed(root: Path, learner: str, course: Course) -> bool:
    total = maximum = 0.0
    for module in course.modules:
        policy = module.policy
        counted = counted_score(root, learner, module.id, policy.grading_method)
        if counted is None or not policy.passed(*counted):
            return False
        total, maximum = total + counted[0], maximum + counted[1]
    return bool(course.modules) and total * 100 >= course.pass_percent * maximum - 1e-9


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def award(root: Path, learner: str, course: Course, holder: str | None = None,
          env: Mapping[str, str] = os.environ) -> Certificate | None:
    """The learner's certificate of the course once passed (issued once while valid).

    The holder's name is the one trainers entered for the learner in the gradebook
    (formgrader, "Manage Students"); without one, the certificate names the login."""
    if not course_passed(root, learner, course):
        return None
    holder = holder or nbgrader_course.display_name(root, learner) or learner
    today = datetime.now(UTC).date()
    months = course.valid_months
    competences = [[c["id"], digcomp.COMPETENCES.get(c["id"], ""), c["level"]]
                   for c in course.manifest.get("competences") or []]
    return certificates.issue(root, Certificate(
        code=certificates.new_code(), learner=learner, course=course.id,
        course_title=course.title, holder=holder, issued_on=today.isoformat(),
        valid_until=add_months(today, months).isoformat() if months else None,
        modules=[[m.id, m.title] for m in course.modules], competences=competences,
        issuer=env.get(deployment.ISSUER, deployment.DEFAULT_ISSUER),
        signatory=env.get(deployment.SIGNATORY, deployment.DEFAULT_SIGNATORY)))

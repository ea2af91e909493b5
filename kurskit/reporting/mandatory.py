"""Mandatory trainings (`pflicht: true` in course.yml): the share of learners holding a
valid certificate, and how many certificates expire in the next 90 days.

Aggregates only: a course with fewer than MIN_GROUP learners shows no figures. The
learners of a course are those kurskit knows from it: with a result in one of its modules
or holding one of its certificates.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from kurskit import nbgrader_course
from kurskit.authoring.catalog import Catalog
from kurskit.qualification import certificates
from kurskit.qualification.certificates import Certificate

EXPIRY_WINDOW_DAYS = 90


def quotas(grading_root: Path, catalog: Catalog, learners_by_module: dict[str, set[str]],
           min_group: int, today: date | None = None) -> list[dict[str, Any]]:
    today = today or datetime.now(UTC).date()
    held: list[Certificate] = (certificates.every(grading_root)
                               if nbgrader_course.has_gradebook(grading_root) else [])
    found = []
    for course in catalog.courses:
        if not course.mandatory:
            continue
        mine = [c for c in held if c.course == course.id]
        learners = set().union(*(learners_by_module.get(m.id, set()) for m in course.modules),
                               {c.learner for c in mine})
        figures: dict[str, Any] = {"id": course.id, "title": course.title,
                                   "valid_months": course.valid_months}
        if len(learners) < min_group:
            figures.update(suppressed=True, learners=None, valid=None, valid_percent=None,
                           expiring=None)
        else:
            valid = {c.learner for c in mine if c.status(today) == "valid"}
            soon = today + timedelta(days=EXPIRY_WINDOW_DAYS)
            expiring = {c.learner for c in mine if c.status(today) == "valid" and c.valid_until
                        and date.fromisoformat(c.valid_until) <= soon}
            figures.update(suppressed=False, learners=len(learners), valid=len(valid),
                           valid_percent=round(100 * len(valid) / len(learners)),
                           expiring=len(expiring))
        found.append(figures)
    return found


def section(quotas_: list[dict[str, Any]], withheld: str, minimum: int) -> list[str]:
    """The handbook's part of the progress page (German)."""
    if not quotas_:
        return []
    lines = ["## Pflichtfortbildungen", "",
             "Anteil der Lernenden eines Pflichtkurses mit gültigem Zertifikat und wie viele "
             f"Zertifikate in den nächsten {EXPIRY_WINDOW_DAYS} Tagen ablaufen. Bei weniger "
             f"als {minimum} Lernenden steht keine Zahl.", "",
             "| Kurs | Lernende | mit gültigem Zertifikat | Anteil | läuft in 90 Tagen ab |",
             "| --- | ---: | ---: | ---: | ---: |"]
    for q in quotas_:
        if q["suppressed"]:
            lines.append(f"| {q['title']} | {withheld} | {withheld} | {withheld} | {withheld} |")
        else:
            lines.append(f"| {q['title']} | {q['learners']} | {q['valid']} | "
                         f"{q['valid_percent']} % | {q['expiring']} |")
    return [*lines, ""]

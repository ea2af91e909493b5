"""The caller's own record: „Meine Kurse“ (every course and module with its state)."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool

from kurskit.grading.overview import my_courses
from kurskit.qualification import certificates
from kurskit.service.dependencies import Context, Learner
from kurskit.service.routes.certificates import info
from kurskit.service.schemas import CourseState

router = APIRouter()


@router.get("/me/courses", response_model=list[CourseState])
async def courses(who: Learner, context: Context) -> list[CourseState]:
    """Every course and module of the caller: state, score that counts, attempts used,
    last activity (read from the gradebook and the caller's attempts), and the course's
    certificate once earned."""
    found = await run_in_threadpool(my_courses, context.root, context.catalog, who)
    held = await run_in_threadpool(certificates.of_learner, context.root, who)
    newest: dict[str, certificates.Certificate] = {}  # per course: newest valid, else newest
    for cert in held:  # oldest first
        kept = newest.get(cert.course)
        if kept is None or cert.status() == "valid" or kept.status() != "valid":
            newest[cert.course] = cert
    return [CourseState.model_validate({**asdict(course), "certificate": (
        info(newest[course.id]) if course.id in newest else None)}) for course in found]

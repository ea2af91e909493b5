"""The caller's own record: „Meine Kurse“ (every course and module with its state)."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool

from kurskit.grading.overview import my_courses
from kurskit.service.dependencies import Context, Learner
from kurskit.service.schemas import CourseState

router = APIRouter()


@router.get("/me/courses", response_model=list[CourseState])
async def courses(who: Learner, context: Context) -> list[CourseState]:
    """Every course and module of the caller: state, score that counts, attempts used,
    last activity (read from the gradebook and the caller's attempts)."""
    found = await run_in_threadpool(my_courses, context.root, context.catalog, who)
    return [CourseState.model_validate(asdict(course)) for course in found]

"""Submissions: store an attempt durably, grade it exactly once, answer with the result."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Future
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from nbformat import NotebookNode

from kurskit.authoring.catalog import Module
from kurskit.grading import inbox, results
from kurskit.grading.attempts import Attempt, AttemptsExhausted
from kurskit.grading.inbox import Entry
from kurskit.grading.results import SubmissionResult as StoredResult
from kurskit.grading.submission import ModuleOutdated, build_submission
from kurskit.qualification import award, review
from kurskit.service.context import Services
from kurskit.service.dependencies import Context, KnownModule, Learner, validated_answers
from kurskit.service.errors import GRADING_FAILED_DE, Refusal
from kurskit.service.schemas import (
    AttemptInfo,
    ErrorBody,
    SubmissionPending,
    SubmissionRequest,
    SubmissionResult,
)

API = "/api/v1"
MAX_PAGE = 100  # attempts listed per call
log = logging.getLogger("kurskit.service")
router = APIRouter()


@router.post("/modules/{module_id}/submissions", status_code=201,
             response_model=SubmissionResult,
             responses={202: {"model": SubmissionPending,
                              "description": "stored, still being graded: poll `status_url`"},
                        404: {"model": ErrorBody}, 409: {"model": ErrorBody},
                        422: {"model": ErrorBody}, 429: {"model": ErrorBody}})
async def submit(body: SubmissionRequest, who: Learner, module: KnownModule,
                 context: Context) -> SubmissionResult | JSONResponse:
    """Store the answers as a new attempt, grade it, return score and feedback.

    The attempt is stored durably before anything else (fsync); from then on it is never
    lost and is graded exactly once, even if the service restarts. The call waits for
    the grade for a few seconds (201 with the result); if grading takes longer it
    answers 202 with a `status_url` to poll.
    """
    wait = context.submissions.retry_after(who)
    if wait > 0:
        raise Refusal(429, "too_many_submissions", f"more than "
                      f"{context.settings.submit_rate} submissions a minute; retry in "
                      f"{wait:.0f} s", "Sie haben in kurzer Zeit sehr oft abgegeben. Bitte "
                      "warten Sie eine Minute und versuchen Sie es dann noch einmal.",
                      headers={"Retry-After": str(max(1, round(wait)))})

    def store() -> tuple[Attempt, Entry, NotebookNode]:
        answers = validated_answers(module, body.answers, context.draw(module, who).hidden)
        try:
            notebook = build_submission(context.release(module), answers)
        except ModuleOutdated:
            raise Refusal(409, "module_outdated", f"module {module.id!r} changed since its "
                          "release; run `kurskit build`", "Dieses Modul wird gerade "
                          "aktualisiert. Bitte laden Sie die Seite später neu.") from None
        allowed = module.policy.attempts_allowed
        try:
            attempt, entry = inbox.accept(context.root, who, module.id, module.filename,
                                          notebook, answers, allowed)
        except AttemptsExhausted:
            raise Refusal(409, "attempts_exhausted", f"all {allowed} attempts at "
                          f"{module.id!r} are used; nothing was stored",
                          f"Sie haben alle {allowed} erlaubten Versuche für dieses Modul "
                          "genutzt. Ihre Antworten wurden nicht gespeichert.") from None
        return attempt, entry, notebook

    attempt, entry, notebook = await run_in_threadpool(store)
    # acknowledged: the attempt and its inbox entry are on disk. Handing it to the grader
    # may wait (a grading process that restarts), so never on the event loop; and whatever
    # fails from here on, the attempt is stored: the answer is its status URL, never a 500
    # that invites a duplicate submission
    try:
        future = await run_in_threadpool(context.grader.submit, entry, notebook)
    except Exception as error:
        log.error("attempt %s of %s is stored, but the grader did not take it: %s",
                  attempt.number, module.id, error)
        future = Future()
    answer = await _wait_for_result(module, attempt.number, attempt.timestamp, future,
                                    context.settings.wait_seconds, acknowledged=True)
    return await _presented(answer, module, who, context)


async def _presented(answer: StoredResult | JSONResponse, module: Module, who: str,
                     context: Services) -> SubmissionResult | JSONResponse:
    """A result as the module's review options let the learner see it now."""
    if isinstance(answer, JSONResponse):
        return answer

    def present() -> SubmissionResult:
        summaries = results.summaries(context.root, who, module.id)
        scores = {s.attempt: (s.score, s.max_score) for s in summaries
                  if s.score is not None and s.max_score is not None}
        shown = review.present(answer, module.policy, len(summaries), scores)
        if shown.module_passed:  # the course's certificate once every module is passed
            course = next(c for c in context.catalog.courses if c.id == module.course_id)
            cert = award.award(context.root, who, course)
            shown.certificate = cert.code if cert is not None else None
        return shown

    return await run_in_threadpool(present)


@router.get("/modules/{module_id}/submissions/{attempt}", response_model=SubmissionResult,
            responses={202: {"model": SubmissionPending, "description": "still being graded"},
                       404: {"model": ErrorBody}, 422: {"model": ErrorBody}})
async def submission_status(attempt: int, who: Learner, module: KnownModule,
                            context: Context) -> SubmissionResult | JSONResponse:
    """The result of one attempt of the calling learner; 202 while it is being graded."""
    state = await run_in_threadpool(results.attempt_state, context.root, who, module.id,
                                    attempt)
    if not state.exists:
        raise Refusal(404, "unknown_attempt", f"no attempt {attempt} of {module.id!r}",
                      "Diese Abgabe gibt es nicht.")
    if state.result is not None:
        return await _presented(state.result, module, who, context)
    if state.failed:
        raise Refusal(422, "grading_failed", f"attempt {attempt} was stored but not graded; "
                      "a trainer can regrade it (kurskit grade)", GRADING_FAILED_DE)
    future = context.grader.job(who, module.id, attempt)
    if future is None:  # queued by an earlier run of the service: graded in order
        future = Future()
    assert state.submitted_at is not None
    answer = await _wait_for_result(module, attempt, state.submitted_at, future, 1.0)
    return await _presented(answer, module, who, context)


@router.get("/modules/{module_id}/submissions", response_model=list[AttemptInfo],
            responses={404: {"model": ErrorBody}})
def attempts(who: Learner, module: KnownModule, context: Context,
             offset: Annotated[int, Query(ge=0, le=10**7)] = 0,
             limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = MAX_PAGE) -> list[AttemptInfo]:
    """The caller's attempts, oldest first, a page at a time (`offset`, `limit`)."""
    return [AttemptInfo(attempt=s.attempt, submitted_at=s.submitted_at, score=s.score,
                        max_score=s.max_score)
            for s in results.summaries(context.root, who, module.id, offset, limit)]


async def _wait_for_result(module: Module, attempt: int, submitted_at: datetime,
                           future: Future[SubmissionResult], seconds: float,
                           acknowledged: bool = False) -> SubmissionResult | JSONResponse:
    """The result if it comes within `seconds`, else 202 with where to ask again.

    `acknowledged`: the answer to the submission itself, which is 201 or 202 whatever
    happens to the grading (the status URL then tells how it went)."""
    waiting = asyncio.wrap_future(future)
    done, _ = await asyncio.wait({waiting}, timeout=seconds)  # never cancels the grading
    pending = JSONResponse(status_code=202, content=SubmissionPending(
        module=module.id, attempt=attempt, submitted_at=submitted_at,
        status_url=f"{API}/modules/{module.id}/submissions/{attempt}").model_dump(mode="json"))
    if not done:
        return pending
    try:
        return waiting.result()
    except Exception as error:
        log.error("attempt %s of %s: grading failed: %s", attempt, module.id, error)
        if acknowledged:
            return pending
        raise Refusal(422, "grading_failed", f"attempt {attempt} was stored but grading "
                      "failed; a trainer can regrade it (kurskit grade)",
                      GRADING_FAILED_DE) from None

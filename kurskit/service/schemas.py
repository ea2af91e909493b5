"""The grading API's request and response bodies (they make the OpenAPI document).

A learner's result is the grading side's own record (`kurskit.grading.results`); the API
answers with it as it is stored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kurskit.grading.results import QuestionResult, SubmissionResult

__all__ = ["AttemptInfo", "CheckRequest", "CheckResult", "CourseState", "Draft", "DraftRequest",
           "ErrorBody", "ModuleInfo", "ModuleState", "QuestionInfo", "QuestionResult",
           "SubmissionPending", "SubmissionRequest", "SubmissionResult"]


class ErrorBody(BaseModel):
    error: str = Field(description="machine-readable code, e.g. unknown_module")
    message: str = Field(description="English, for developers and trainers")
    message_de: str = Field(description="German, shown to the learner")
    details: list[str] = []


class SubmissionRequest(BaseModel):
    """The learner's answers by question id. The learner is never named here."""

    model_config = ConfigDict(extra="forbid")
    answers: dict[str, Any] = Field(
        description="question id → answer (text, list of texts, or mapping of texts); "
        "null or missing means unanswered")


class SubmissionPending(BaseModel):
    """The attempt is stored (it will be graded exactly once); the grade is not there yet."""

    module: str
    attempt: int
    submitted_at: datetime
    status: str = Field(default="grading", description="always `grading`")
    status_url: str = Field(description="GET it until it answers 200 with the result")


class CheckRequest(BaseModel):
    """One answer to check formatively („Prüfen“); nothing is graded into the gradebook."""

    model_config = ConfigDict(extra="forbid")
    answer: Any = Field(description="the answer, as in a submission")


class CheckResult(BaseModel):
    """Right or wrong for the whole question, and the author's hint after a wrong answer:
    never the explanation nor the right answer (those come at the review point)."""

    question: str
    correct: bool
    feedback: str = Field(description="German: „Richtig.“ or „Noch nicht richtig.“")
    hint: str = Field("", description="German hint by the author, after a wrong answer")
    checks_left: int = Field(description="„Prüfen“ left for this question in this attempt")


class DraftRequest(BaseModel):
    """The learner's current answers, saved while they work (survives reloads)."""

    model_config = ConfigDict(extra="forbid")
    answers: dict[str, Any]
    sequence: int | None = Field(
        None, ge=0, le=2**53,
        description="the page's save counter (e.g. its clock in ms, rising): a save older "
        "than the kept draft's is ignored, so a slow save never overwrites a newer one")


class Draft(BaseModel):
    answers: dict[str, Any]
    saved_at: str | None
    checks_left: dict[str, int] = Field(description="„Prüfen“ still allowed per question")
    checks_per_question: int


class DrawInfo(BaseModel):
    """Which variant of each question pool the caller answers in its next attempt."""

    attempt: int = Field(description="the attempt the draw is for (the caller's next)")
    drawn: dict[str, str] = Field(description="pool id → question id of the drawn variant")
    hidden: list[str] = Field(description="question ids of the variants not drawn: not to "
                              "be shown, answered, checked or kept in a draft")


class QuestionInfo(BaseModel):
    id: str
    type: str
    prompt: str
    max_points: float
    pool: str | None = Field(None, description="the question pool the question is a variant "
                             "of: each attempt draws one variant per pool (see `/draw`)")


class ModuleInfo(BaseModel):
    id: str
    course: str
    title: str
    max_score: float
    questions: list[QuestionInfo]


class AttemptInfo(BaseModel):
    attempt: int
    submitted_at: str
    score: float | None
    max_score: float | None


class ModuleState(BaseModel):
    id: str
    title: str
    state: str = Field(description="offen, begonnen or bestanden")
    score: float | None = Field(description="the score that counts (gradebook), null if none")
    max_score: float
    attempts: int = Field(description="attempts used")
    last_activity: datetime | None = Field(description="the last attempt or draft")


class CertificateInfo(BaseModel):
    code: str
    course: str
    course_title: str
    issued_on: str
    valid_until: str | None
    status: str = Field(description="valid, expired or revoked")
    pdf_url: str = Field(description="GET it (as the holder) for the PDF/UA document")
    verify_url: str = Field(description="the public verification page")


class CourseState(BaseModel):
    id: str
    title: str
    pass_percent: int
    modules: list[ModuleState]
    certificate: CertificateInfo | None = Field(
        None, description="the caller's newest certificate of the course (valid ones first)")

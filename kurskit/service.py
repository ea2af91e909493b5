"""The grading service: answers in, nbgrader-graded score and feedback out (HTTP, OpenAPI).

Every request is validated before anything is written: a known module, known question
ids, and answers that are literal data fitting their question. Refusals carry an English
`message` and a German `message_de` for the learner's app.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from concurrent.futures import Future
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nbformat
from fastapi import FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from nbformat import NotebookNode
from pydantic import BaseModel, ConfigDict, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kurskit import grading, inbox, quickcheck, state
from kurskit.catalog import Catalog, Module, load_catalog
from kurskit.grading_process import GradingProcess
from kurskit.grading_worker import FAILED, GradingWorker
from kurskit.identity import IdentityError, IdentityProvider
from kurskit.inbox import Entry
from kurskit.module_notebook import TEST_SUFFIX
from kurskit.questions import AnswerRefused, normalize_answer
from kurskit.submission import Attempt, attempts_dir, build_submission, list_attempts

if TYPE_CHECKING:  # the service process itself never loads nbgrader's gradebook code
    from kurskit.gradebook_writer import Recorded

log = logging.getLogger("kurskit.service")
API = "/api/v1"


@dataclass
class ServiceSettings:
    courses_dir: Path
    grading_root: Path
    identity: IdentityProvider
    max_body_bytes: int = 64 * 1024
    # how long a submission request waits for its grade before answering 202
    wait_seconds: float = 10.0
    # grade in a child process (the service's second core) instead of a thread
    grading_process: bool = False
    _release_cache: dict[str, Any] = field(default_factory=dict)


GRADING_FAILED_DE = ("Ihre Abgabe wurde gespeichert, konnte aber gerade nicht bewertet werden. "
                     "Bitte wenden Sie sich an Ihre Trainerin oder Ihren Trainer.")


class GradingFailed(RuntimeError):
    pass


class Refusal(Exception):
    def __init__(self, status: int, code: str, message: str, message_de: str,
                 details: list[str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.message_de = status, code, message, message_de
        self.details = details or []


# --- API models (they make the OpenAPI document) -------------------------------------

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


class QuestionResult(BaseModel):
    id: str
    points: float | None = Field(description="null while a trainer has not graded it yet")
    max_points: float
    correct: bool
    pending: bool = Field(False, description="waits for a trainer's grade (free text)")
    answered: bool
    feedback: str = Field(description="German explanation by the author")


class SubmissionResult(BaseModel):
    module: str
    learner: str
    attempt: int
    submitted_at: datetime
    score: float
    max_score: float
    pending_points: float = Field(0, description="points that wait for a trainer's grade")
    questions: list[QuestionResult]
    grading_seconds: float


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
    question: str
    correct: bool
    points: float
    max_points: float
    feedback: str = Field(description="German explanation by the author")
    checks_left: int


class DraftRequest(BaseModel):
    """The learner's current answers, saved while they work (survives reloads)."""

    model_config = ConfigDict(extra="forbid")
    answers: dict[str, Any]


class Draft(BaseModel):
    answers: dict[str, Any]
    saved_at: str | None
    checks_left: dict[str, int] = Field(description="„Prüfen“ still allowed per question")
    checks_per_question: int


class QuestionInfo(BaseModel):
    id: str
    type: str
    prompt: str
    max_points: float


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


# --- size limit ---------------------------------------------------------------------

class BodyLimit:
    """Refuse request bodies over `limit` bytes with 413, whether announced or streamed."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _too_large(self.limit, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _BodyTooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _BodyTooLarge:
            await _too_large(self.limit, send)


class _BodyTooLarge(HTTPException):
    """Raised while the body streams in; an HTTPException, so FastAPI does not turn it into
    a generic 400 while it parses the body."""

    def __init__(self) -> None:
        super().__init__(413)


def _too_large_body(limit: int) -> dict[str, Any]:
    return ErrorBody(error="too_large", message=f"request body exceeds {limit} bytes",
                     message_de="Die Abgabe ist zu groß.").model_dump()


async def _too_large(limit: int, send: Send) -> None:
    response = JSONResponse(status_code=413, content=_too_large_body(limit))
    await response({"type": "http"}, _no_receive, send)


async def _no_receive() -> Message:  # pragma: no cover - JSONResponse never reads
    return {"type": "http.disconnect"}


# --- the app ------------------------------------------------------------------------

def create_app(settings: ServiceSettings) -> FastAPI:
    catalog: Catalog = load_catalog(settings.courses_dir)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # the worker grades what a crash left in the inbox before anything new
        await run_in_threadpool(app.state.worker.start)
        yield
        await run_in_threadpool(app.state.worker.stop)

    app = FastAPI(
        lifespan=lifespan,
        title="kurskit grading service",
        version="1",
        description="Grades a learner's answers to a kurskit module by nbgrader's rules and "
        "records them in nbgrader's gradebook; returns score and feedback. A submission is "
        "stored durably before it is acknowledged and graded exactly once. The learner's "
        "identity comes from the deployment (local configuration, or a header set by a "
        "trusted proxy), never from the request body.",
        responses={401: {"model": ErrorBody}, 413: {"model": ErrorBody},
                   422: {"model": ErrorBody}},
    )
    app.state.settings = settings

    @app.exception_handler(Refusal)
    async def refused(request: Request, error: Refusal) -> JSONResponse:
        body = ErrorBody(error=error.code, message=error.message,
                         message_de=error.message_de, details=error.details)
        return JSONResponse(status_code=error.status, content=body.model_dump())

    @app.exception_handler(_BodyTooLarge)
    async def too_large(request: Request, error: _BodyTooLarge) -> JSONResponse:
        return JSONResponse(status_code=413, content=_too_large_body(settings.max_body_bytes))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        details = [f"{'/'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}"
                   for e in error.errors()]
        extra = any(e.get("type") == "extra_forbidden" for e in error.errors())
        message = ("unexpected field in request body (the learner's identity comes from the "
                   "deployment, never from the request)" if extra else "malformed request body")
        body = ErrorBody(error="invalid_request", message=message,
                         message_de="Die Abgabe ist ungültig und wurde nicht gespeichert.",
                         details=details)
        return JSONResponse(status_code=422, content=body.model_dump())

    def learner(request: Request) -> str:
        try:
            return settings.identity.learner_for(request)
        except IdentityError as error:
            raise Refusal(401, "unauthenticated", str(error),
                          "Sie sind nicht angemeldet.") from None

    def module_or_404(module_id: str) -> Module:
        module = catalog.module(module_id)
        release = _release_path(settings, module) if module else None
        if module is None or module.notebook.problems or release is None or not release.is_file():
            raise Refusal(404, "unknown_module", f"unknown module {module_id!r}",
                          "Dieses Modul gibt es nicht.")
        return module

    @app.get(f"{API}/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "identity": settings.identity.name,
                "modules": len(catalog.modules)}

    @app.get(f"{API}/modules", response_model=list[ModuleInfo])
    def modules() -> list[ModuleInfo]:
        return [_module_info(m) for m in catalog.modules if not m.notebook.problems]

    @app.get(f"{API}/modules/{{module_id}}", response_model=ModuleInfo,
             responses={404: {"model": ErrorBody}})
    def module(module_id: str) -> ModuleInfo:
        return _module_info(module_or_404(module_id))

    worker: GradingProcess | GradingWorker
    if settings.grading_process:
        worker = GradingProcess(settings.grading_root, settings.courses_dir)
    else:
        worker = GradingWorker(settings.grading_root, partial(store_result, catalog,
                                                              settings.grading_root))
    app.state.worker = worker

    @app.post(f"{API}/modules/{{module_id}}/submissions", status_code=201,
              response_model=SubmissionResult,
              responses={202: {"model": SubmissionPending,
                               "description": "stored, still being graded: poll `status_url`"},
                         404: {"model": ErrorBody}, 409: {"model": ErrorBody},
                         500: {"model": ErrorBody}})
    async def submit(module_id: str, body: SubmissionRequest,
                     request: Request) -> SubmissionResult | JSONResponse:
        """Store the answers as a new attempt, grade it, return score and feedback.

        The attempt is stored durably before anything else (fsync); from then on it is never
        lost and is graded exactly once, even if the service restarts. The call waits for
        the grade for a few seconds (201 with the result); if grading takes longer it
        answers 202 with a `status_url` to poll.
        """
        who = learner(request)
        module = module_or_404(module_id)

        def store() -> tuple[Attempt, Entry, NotebookNode]:
            answers = _validated_answers(module, body.answers)
            try:
                notebook = build_submission(_release(settings, module), answers)
            except KeyError:
                raise Refusal(409, "module_outdated", f"module {module.id!r} changed since its "
                              "release; run `kurskit build`", "Dieses Modul wird gerade "
                              "aktualisiert. Bitte laden Sie die Seite später neu.") from None
            attempt, entry = inbox.accept(settings.grading_root, who, module.id,
                                          module.filename, notebook, answers)
            return attempt, entry, notebook

        attempt, entry, notebook = await run_in_threadpool(store)
        # acknowledged: the attempt and its inbox entry are on disk
        future = worker.submit(entry, notebook)
        return await _wait_for_result(module, attempt.number, attempt.timestamp, future,
                                      settings.wait_seconds)

    @app.get(f"{API}/modules/{{module_id}}/submissions/{{attempt}}",
             response_model=SubmissionResult,
             responses={202: {"model": SubmissionPending, "description": "still being graded"},
                        404: {"model": ErrorBody}, 500: {"model": ErrorBody}})
    async def submission_status(module_id: str, attempt: int,
                                request: Request) -> SubmissionResult | JSONResponse:
        """The result of one attempt of the calling learner; 202 while it is being graded."""
        who = learner(request)
        module = module_or_404(module_id)
        folder = attempts_dir(settings.grading_root, who, module.id) / f"{attempt:04d}"
        if not (folder / "timestamp.txt").is_file():
            raise Refusal(404, "unknown_attempt", f"no attempt {attempt} of {module.id!r}",
                          "Diese Abgabe gibt es nicht.")
        stored = folder / "result.json"
        if stored.is_file():
            return SubmissionResult.model_validate_json(stored.read_text("utf-8"))
        submitted_at = datetime.fromtimestamp((folder / "timestamp.txt").stat().st_mtime, UTC)
        failed = (folder / FAILED).is_file()
        if failed or not inbox.is_pending(settings.grading_root, who, module.id, attempt):
            raise Refusal(500, "grading_failed", f"attempt {attempt} was stored but not graded; "
                          "a trainer can regrade it (kurskit grade)", GRADING_FAILED_DE)
        future = worker.job(who, module.id, attempt)
        if future is None:  # queued by an earlier run of the service: graded in order
            future = Future()
        return await _wait_for_result(module, attempt, submitted_at, future, 1.0)

    @app.post(f"{API}/modules/{{module_id}}/questions/{{question_id}}/check",
              response_model=CheckResult,
              responses={404: {"model": ErrorBody}, 409: {"model": ErrorBody}})
    def check(module_id: str, question_id: str, body: CheckRequest,
              request: Request) -> CheckResult:
        """Check one answer on the grading side; limited per question by the module."""
        who = learner(request)
        module = module_or_404(module_id)
        exercise = module.notebook.exercise(question_id)
        if exercise is None:
            raise Refusal(404, "unknown_question", f"module {module.id!r} has no question "
                          f"{question_id!r}", "Diese Frage gibt es nicht.")
        if exercise.manual:
            raise Refusal(409, "not_checkable", f"{question_id!r} is graded by a trainer",
                          "Diese Antwort bewertet eine Trainerin oder ein Trainer.")
        answer = _validated_answers(module, {question_id: body.answer})[question_id]
        if answer is None:
            raise Refusal(422, "no_answer", "nothing to check", "Bitte antworten Sie zuerst.")
        allowed = _checks_allowed(module)
        path = _state_path(settings, "checks", who, module.id)

        def count(used: dict[str, int]) -> dict[str, int]:
            if used.get(question_id, 0) >= allowed:
                raise Refusal(409, "no_checks_left",
                              f"all {allowed} checks of {question_id!r} are used",
                              "Sie haben alle Prüfversuche für diese Frage genutzt.")
            return {**used, question_id: used.get(question_id, 0) + 1}

        used = state.update_json(path, {}, count)
        points = quickcheck.points_for(exercise, answer)
        return CheckResult(question=question_id, correct=points >= exercise.points,
                           points=points, max_points=exercise.points,
                           feedback=exercise.explanation,
                           checks_left=allowed - used[question_id])

    @app.put(f"{API}/modules/{{module_id}}/draft", response_model=Draft,
             responses={404: {"model": ErrorBody}})
    def save_draft(module_id: str, body: DraftRequest, request: Request) -> Draft:
        """Keep the answers given so far; only valid answers to known questions are kept."""
        who = learner(request)
        module = module_or_404(module_id)
        answers = {q: a for q, a in _validated_answers(module, body.answers).items()
                   if a is not None}
        saved = {"answers": answers, "saved_at": datetime.now(UTC).isoformat()}
        state.write_json(_state_path(settings, "drafts", who, module.id), saved)
        return _draft(settings, module, who)

    @app.get(f"{API}/modules/{{module_id}}/draft", response_model=Draft,
             responses={404: {"model": ErrorBody}})
    def load_draft(module_id: str, request: Request) -> Draft:
        who = learner(request)
        return _draft(settings, module_or_404(module_id), who)

    @app.get(f"{API}/modules/{{module_id}}/submissions", response_model=list[AttemptInfo],
             responses={404: {"model": ErrorBody}})
    def attempts(module_id: str, request: Request) -> list[AttemptInfo]:
        who = learner(request)
        module = module_or_404(module_id)
        found = []
        for folder in list_attempts(settings.grading_root, who, module.id):
            stamp = (folder / "timestamp.txt").read_text("utf-8").strip()
            score = max_score = None
            if (folder / "result.json").is_file():
                stored = SubmissionResult.model_validate_json(
                    (folder / "result.json").read_text("utf-8"))
                score, max_score = stored.score, stored.max_score
            found.append(AttemptInfo(attempt=int(folder.name), submitted_at=stamp,
                                     score=score, max_score=max_score))
        return found

    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    return app


def store_result(catalog: Catalog, root: Path, entry: Entry, recorded: Recorded | None,
                 seconds: float) -> SubmissionResult:
    """Once the grade is in the gradebook (in the grading worker): the learner's result,
    stored as the attempt's result.json."""
    module = catalog.module(entry.module)
    if module is None:
        raise GradingFailed(f"module {entry.module!r} left the catalogue")
    folder = entry.attempt_path(root)
    stored = folder / "result.json"
    if recorded is None:  # graded before a restart; the gradebook has the grade
        if stored.is_file():
            return SubmissionResult.model_validate_json(stored.read_text("utf-8"))
        graded = grading.read_result(root, module.id, entry.learner, module.filename)
    else:
        graded = grading.GradeResult(module.id, entry.learner, recorded.score,
                                     recorded.max_score, recorded.grades)
    answers = json.loads((folder / "answers.json").read_text("utf-8"))
    response = _result(module, entry.attempt, datetime.fromisoformat(entry.accepted_at),
                       answers, graded, seconds)
    # derived from the gradebook (see above), so no fsync: a lost file is made again
    state.write_text(stored, response.model_dump_json(indent=1), durable=False)
    return response


def _checks_allowed(module: Module) -> int:
    return int(module.notebook.metadata.get("checks_per_question", 2))


def _state_path(settings: ServiceSettings, kind: str, learner: str, module_id: str) -> Path:
    return settings.grading_root / kind / learner / f"{module_id}.json"


def _draft(settings: ServiceSettings, module: Module, learner: str) -> Draft:
    saved = state.read_json(_state_path(settings, "drafts", learner, module.id), {})
    used = state.read_json(_state_path(settings, "checks", learner, module.id), {})
    allowed = _checks_allowed(module)
    return Draft(answers=saved.get("answers", {}), saved_at=saved.get("saved_at"),
                 checks_left={e.qid: max(0, allowed - used.get(e.qid, 0))
                              for e in module.notebook.exercises if not e.manual},
                 checks_per_question=allowed)


def _release_path(settings: ServiceSettings, module: Module) -> Path:
    return settings.grading_root / "release" / module.id / module.filename


def _release(settings: ServiceSettings, module: Module) -> Any:
    path = _release_path(settings, module)
    key = (module.id, path.stat().st_mtime_ns)
    cached = settings._release_cache.get(module.id)
    if cached is None or cached[0] != key:
        settings._release_cache[module.id] = (key, nbformat.read(path, as_version=4))
    return settings._release_cache[module.id][1]


def _module_info(module: Module) -> ModuleInfo:
    return ModuleInfo(
        id=module.id, course=module.course_id, title=module.title,
        max_score=module.notebook.max_points,
        questions=[QuestionInfo(id=e.qid, type=e.spec.kind, prompt=e.spec.prompt,
                                max_points=e.points) for e in module.notebook.exercises])


def _validated_answers(module: Module, answers: dict[str, Any]) -> dict[str, Any]:
    known = {e.qid: e for e in module.notebook.exercises}
    unknown = sorted(set(answers) - set(known))
    if unknown:
        raise Refusal(422, "unknown_question",
                      f"module {module.id!r} has no question(s) {', '.join(unknown)}",
                      "Die Abgabe enthält Fragen, die es in diesem Modul nicht gibt.", unknown)
    validated: dict[str, Any] = {}
    for qid, exercise in known.items():
        try:
            validated[qid] = normalize_answer(exercise.spec, answers.get(qid))
        except AnswerRefused as refused:
            raise Refusal(422, "invalid_answer", str(refused),
                          f"Ungültige Antwort: {refused.german}", [qid]) from None
    return validated


def _result(module: Module, attempt: int, submitted_at: datetime, answers: dict[str, Any],
            graded: grading.GradeResult, seconds: float) -> SubmissionResult:
    questions = []
    for exercise in module.notebook.exercises:
        grade_id = exercise.qid if exercise.manual else exercise.qid + TEST_SUFFIX
        grade = graded.grades.get(grade_id)
        max_points = grade.max_score if grade else exercise.points
        points = grade.score if grade else 0.0
        pending = exercise.manual and points is None
        feedback = exercise.explanation
        if pending:
            feedback = ("Ihre Antwort ist gespeichert. Eine Trainerin oder ein Trainer bewertet "
                        "sie und gibt Ihnen Rückmeldung.")
        questions.append(QuestionResult(
            id=exercise.qid, points=points, max_points=max_points, pending=pending,
            correct=points is not None and points >= max_points,
            answered=answers.get(exercise.qid) is not None, feedback=feedback))
    return SubmissionResult(module=module.id, learner=graded.learner, attempt=attempt,
                            submitted_at=submitted_at, score=graded.score,
                            max_score=graded.max_score, questions=questions,
                            pending_points=sum(q.max_points for q in questions if q.pending),
                            grading_seconds=round(seconds, 3))


async def _wait_for_result(module: Module, attempt: int, submitted_at: datetime, future: Future,
                           seconds: float) -> SubmissionResult | JSONResponse:
    """The result if it comes within `seconds`, else 202 with where to ask again."""
    waiting = asyncio.wrap_future(future)
    done, _ = await asyncio.wait({waiting}, timeout=seconds)  # never cancels the grading
    if not done:
        pending = SubmissionPending(
            module=module.id, attempt=attempt, submitted_at=submitted_at,
            status_url=f"{API}/modules/{module.id}/submissions/{attempt}")
        return JSONResponse(status_code=202, content=pending.model_dump(mode="json"))
    try:
        result = waiting.result()
    except Exception as error:
        log.error("attempt %s of %s: grading failed: %s", attempt, module.id, error)
        raise Refusal(500, "grading_failed", f"attempt {attempt} was stored but grading "
                      "failed; a trainer can regrade it (kurskit grade)",
                      GRADING_FAILED_DE) from None
    if isinstance(result, str):  # from the grading process
        result = SubmissionResult.model_validate_json(result)
    if not isinstance(result, SubmissionResult):
        raise Refusal(500, "grading_failed", f"attempt {attempt} has no result",
                      GRADING_FAILED_DE)
    return result


def app_from_env() -> FastAPI:
    """The service as configured by the deployment's environment (used by `kurskit start`)."""
    import os

    from kurskit.identity import identity_from_env

    root = Path(os.environ.get("KURSKIT_ROOT", ".")).resolve()
    return create_app(ServiceSettings(
        courses_dir=root / "courses", grading_root=root / "grading",
        identity=identity_from_env(),
        wait_seconds=float(os.environ.get("KURSKIT_GRADE_WAIT", "10")),
        grading_process=os.environ.get("KURSKIT_GRADING_PROCESS", "1") != "0"))

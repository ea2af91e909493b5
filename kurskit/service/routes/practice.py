"""Practice on the grading side: „Prüfen“ one answer, and drafts of the answers so far."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter

from kurskit.grading import drafts
from kurskit.service.dependencies import Context, KnownModule, Learner, validated_answers
from kurskit.service.errors import Refusal
from kurskit.service.schemas import CheckRequest, CheckResult, Draft, DraftRequest, ErrorBody

router = APIRouter()
CORRECT_DE = "Richtig."
WRONG_DE = "Noch nicht richtig."


@router.post("/modules/{module_id}/questions/{question_id}/check",
             response_model=CheckResult,
             responses={404: {"model": ErrorBody}, 409: {"model": ErrorBody}})
def check(question_id: str, body: CheckRequest, who: Learner, module: KnownModule,
          context: Context) -> CheckResult:
    """Check one answer on the grading side; limited per question by the module."""
    exercise = module.notebook.exercise(question_id)
    if exercise is None:
        raise Refusal(404, "unknown_question", f"module {module.id!r} has no question "
                      f"{question_id!r}", "Diese Frage gibt es nicht.")
    if exercise.manual:
        raise Refusal(409, "not_checkable", f"{question_id!r} is graded by a trainer",
                      "Diese Antwort bewertet eine Trainerin oder ein Trainer.")
    hidden = context.draw(module, who).hidden
    answer = validated_answers(module, {question_id: body.answer}, hidden)[question_id]
    if answer is None:
        raise Refusal(422, "no_answer", "nothing to check", "Bitte antworten Sie zuerst.")
    try:
        checked = drafts.check(context.root, who, module, exercise, answer)
    except drafts.NoChecksLeft as error:
        raise Refusal(409, "no_checks_left",
                      f"all {error.allowed} checks of {question_id!r} are used",
                      "Sie haben alle Prüfversuche für diese Frage genutzt.") from None
    # right or wrong for the whole question only (partial credit would let a learner narrow
    # a true/false group down by elimination), and the author's hint, never the explanation
    return CheckResult(question=question_id, correct=checked.correct,
                       hint="" if checked.correct else exercise.hint,
                       feedback=CORRECT_DE if checked.correct else WRONG_DE,
                       checks_left=checked.checks_left)


@router.put("/modules/{module_id}/draft", response_model=Draft,
            responses={404: {"model": ErrorBody}})
def save_draft(body: DraftRequest, who: Learner, module: KnownModule,
               context: Context) -> Draft:
    """Keep the answers given so far; only valid answers to known questions are kept."""
    answers = validated_answers(module, body.answers, context.draw(module, who).hidden)
    saved = drafts.save(context.root, who, module, answers, sequence=body.sequence)
    return Draft(**asdict(saved))


@router.get("/modules/{module_id}/draft", response_model=Draft,
            responses={404: {"model": ErrorBody}})
def load_draft(who: Learner, module: KnownModule, context: Context) -> Draft:
    return Draft(**asdict(drafts.load(context.root, who, module)))

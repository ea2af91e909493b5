"""What the routes ask FastAPI for: the services, the caller's identity, a known module,
and answers validated against their questions.

The dependencies are coroutines on purpose: each does a few microseconds of work, which
FastAPI would otherwise hand to its thread pool, one hop per dependency per request.
"""

from __future__ import annotations

import inspect
from typing import Annotated, Any

from fastapi import Depends, Request

from kurskit.authoring.catalog import Module
from kurskit.authoring.literals import is_unicode_text
from kurskit.authoring.questions import AnswerRefused, normalize_answer
from kurskit.qualification.draw import NOT_DRAWN_DE
from kurskit.service.context import Services
from kurskit.service.errors import Refusal
from kurskit.service.identity import IdentityError


async def services(request: Request) -> Services:
    return request.app.state.services


Context = Annotated[Services, Depends(services)]


async def learner(request: Request, context: Context) -> str:
    """The caller, as the deployment says (never from the request body)."""
    try:
        learner = context.settings.identity.learner_for(request)
        return await learner if inspect.isawaitable(learner) else learner
    except IdentityError as error:
        raise Refusal(401, "unauthenticated", str(error), "Sie sind nicht angemeldet.") from None


async def known_module(module_id: str, context: Context) -> Module:
    """A module of the catalogue that is released and free of authoring problems."""
    module = context.catalog.module(module_id)
    if (module is None or module.notebook.problems
            or not context.release_path(module).is_file()):
        raise Refusal(404, "unknown_module", f"unknown module {module_id!r}",
                      "Dieses Modul gibt es nicht.")
    return module


Learner = Annotated[str, Depends(learner)]
KnownModule = Annotated[Module, Depends(known_module)]


def validated_answers(module: Module, answers: dict[str, Any],
                      hidden: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Every question's answer, normalized (None when unanswered), or a 422 refusal.

    `hidden`: the pool variants the caller's draw left out; an answer to one of them is
    refused, and they are missing from the result (the submission marks them not drawn).
    """
    known = {e.qid: e for e in module.notebook.exercises if e.qid not in hidden}
    if not all(is_unicode_text(qid) for qid in answers):
        raise Refusal(422, "invalid_answer", "a question id contains a lone UTF-16 surrogate "
                      "(not valid Unicode)", "Die Abgabe enthält ungültige Zeichen.")
    not_drawn = sorted(set(answers) & hidden)
    if not_drawn:
        raise Refusal(422, "not_drawn", f"question(s) {', '.join(not_drawn)} are not part of "
                      "the caller's current draw", NOT_DRAWN_DE, not_drawn)
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

"""What a learner does in a module in Chromium, shared by the tests of both module views.

The widget view (Voilà) groups a true/false statement's radios in a `radiogroup`, the
module page in a `fieldset` (role `group`); everything else is found by the same labels.
"""

from __future__ import annotations

from typing import Any


def answer(question: Any, exercise: Any, right: bool, statement_role: str = "group") -> None:
    """Answer one question by its controls' accessible names (`right=False`: a wrong one)."""
    kind, spec = exercise.spec.kind, exercise.spec
    if kind == "single_choice":
        wrong = next(o for o in spec.choices["options"] if o != exercise.solution)
        question.get_by_role("radio", name=exercise.solution if right else wrong,
                             exact=True).check()
    elif kind == "multiple_choice":
        for option in exercise.solution:
            question.get_by_role("checkbox", name=option, exact=True).check()
    elif kind == "matching":
        for case, category in exercise.solution.items():
            question.get_by_role("combobox", name=case, exact=True).select_option(label=category)
    elif kind == "true_false":
        for statement, truth in exercise.solution.items():
            question.get_by_role(statement_role, name=statement, exact=True).get_by_role(
                "radio", name="richtig" if truth else "falsch").check()
    elif kind == "ordering":
        selects = question.locator("select")
        for index, item in enumerate(exercise.solution):
            selects.nth(index).select_option(label=item)
    elif kind == "numeric":
        question.get_by_role("textbox").fill(str(exercise.solution).replace(".", ","))
    elif kind == "short_text":
        question.get_by_role("textbox").fill(exercise.solution[0])
    elif kind == "free_text":
        question.get_by_role("textbox").fill("Sehr geehrte Frau Berg, ...")


def pruefen_reveals_no_explanation(page: Any, questions: Any, exercises: list[Any]) -> None:
    """„Prüfen“ on the first (rightly answered) question: right or wrong, and no
    explanation at all — not even its own: an explanation names the answer, and it comes
    only at the review point (module passed or last attempt)."""
    first = questions.nth(0)
    first.get_by_role("button", name="Prüfen (noch 2)").click()
    first.get_by_text("✓ Richtig").wait_for(timeout=15_000)
    content = page.content()
    for exercise in exercises:
        assert exercise.explanation not in content
    assert first.get_by_role("button", name="Prüfen (noch 1)").count() == 1


def drawn_exercises(module: Any, drawn: dict[str, str]) -> list[Any]:
    """The exercises a learner sees, in order: of each question pool the drawn variant."""
    return [e for e in module.notebook.exercises if e.pool is None or drawn[e.pool] == e.qid]


def current_draw(project: Any, module: Any, learner: str) -> dict[str, str]:
    """The service's draw for the learner's next attempt (pool id → question id), computed
    with the installation's key as the service does (the same file in the grading root)."""
    from kurskit.grading import attempts
    from kurskit.qualification.draw import draw_for, installation_key

    number = len(attempts.list_attempts(project.grading, learner, module.id)) + 1
    return draw_for(module, learner, number, installation_key(project.grading)).drawn

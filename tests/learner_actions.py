"""What a learner does in a module in Chromium, shared by the tests of both module views.

The widget view (Voilà) groups a true/false statement's radios in a `radiogroup`, the
module page in a `fieldset` (role `group`); everything else is found by the same labels.
"""

from __future__ import annotations

from typing import Any

import answer_patterns


def answer(question: Any, exercise: Any, right: bool, statement_role: str = "group") -> None:
    """Answer one question by its controls' accessible names: with the solution, or
    (`right=False`) with a valid answer that earns nothing (`answer_patterns.wrong`)."""
    kind = exercise.spec.kind
    value = answer_patterns.right(exercise) if right else answer_patterns.wrong(exercise)
    if kind == "single_choice":
        question.get_by_role("radio", name=value, exact=True).check()
    elif kind == "multiple_choice":
        for option in value:
            question.get_by_role("checkbox", name=option, exact=True).check()
    elif kind == "matching":
        for case, category in value.items():
            question.get_by_role("combobox", name=case, exact=True).select_option(label=category)
    elif kind == "true_false":
        for statement, truth in value.items():
            question.get_by_role(statement_role, name=statement, exact=True).get_by_role(
                "radio", name="richtig" if truth else "falsch").check()
    elif kind == "ordering":
        selects = question.locator("select")
        for index, item in enumerate(value):
            selects.nth(index).select_option(label=item)
    elif kind == "numeric":
        question.get_by_role("textbox").fill(str(value).replace(".", ","))
    elif kind == "short_text":
        question.get_by_role("textbox").fill(value)
    elif kind == "free_text":  # graded by a trainer: any text
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


_FOCUSED = """(() => {
  const e = document.activeElement, question = e.closest('.kk-frage');
  const group = e.closest('fieldset'), legend = group && group.querySelector('legend');
  const selects = question ? [...question.querySelectorAll('select')] : [];
  return {tag: e.tagName, type: e.type || '',
          name: e.type === 'radio' ? e.name : (e.id || e.name || ''),
          qid: question ? question.dataset.qid : '',
          label: (e.labels && e.labels[0] ? e.labels[0].textContent : e.textContent).trim(),
          legend: legend ? legend.textContent.trim() : '',
          selected: e.tagName === 'SELECT' ? e.selectedOptions[0]?.textContent.trim() : '',
          position: selects.indexOf(e), options: e.tagName === 'SELECT' ? e.options.length : 0,
          checked: !!e.checked};
})()"""


def answer_by_keyboard(page: Any, exercises: list[Any], right: bool = True) -> None:
    """From the top of a module page, Tab through every control and answer each question
    with keys only (Space, arrows, Home, typing), then stop with the focus on „Abgeben“."""
    by_qid = {e.qid: e for e in exercises}
    values = {e.qid: answer_patterns.right(e) if right else answer_patterns.wrong(e)
              for e in exercises}
    done: set[str] = set()
    for _ in range(400):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if focused["tag"] == "BUTTON" and focused["label"] == "Abgeben":
            return
        if (focused["qid"] not in by_qid or focused["tag"] == "BUTTON"  # „Prüfen“
                or not focused["name"] or focused["name"] in done):
            continue
        done.add(focused["name"])
        _answer_control(page, focused, by_qid[focused["qid"]].spec.kind,
                        values[focused["qid"]])
    raise AssertionError("„Abgeben“ was never reached with Tab")


def _answer_control(page: Any, focused: dict[str, Any], kind: str, value: Any) -> None:
    keys = page.keyboard
    if focused["type"] == "radio":  # one stop per group; arrows move and choose
        target = value if kind == "single_choice" else (
            "richtig" if value[focused["legend"]] else "falsch")
        if focused["label"] == target:
            keys.press("Space")
        for _ in range(20):
            focused = page.evaluate(_FOCUSED)
            if focused["label"] == target and focused["checked"]:
                return
            keys.press("ArrowDown")
        raise AssertionError(f"no radio {target!r}")
    if focused["type"] == "checkbox":
        if focused["label"] in value:
            keys.press("Space")
    elif focused["tag"] == "SELECT":
        target = value[focused["label"]] if kind == "matching" else value[focused["position"]]
        keys.press("Home")
        for _ in range(focused["options"]):
            if page.evaluate(_FOCUSED)["selected"] == target:
                return
            keys.press("ArrowDown")
        raise AssertionError(f"no option {target!r}")
    elif kind == "numeric":
        keys.type(str(value).replace(".", ","))
    elif kind == "short_text":
        keys.type(value)
    elif kind == "free_text":
        keys.type("Sehr geehrte Frau Berg, ...")


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

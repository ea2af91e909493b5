"""A module page's form fields → the literal answers the grading service accepts.

The HTML module page sends its fields as (name, value) pairs. A field is named by its
question id, or `<qid>::<n>` for the n-th statement, case or position of a question; choices
are sent as their index in the author's list, so a shuffled page still maps back. The
answers take the same shape the Voilà widgets produce; the grading service validates them
again, as it validates every submission.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from kurskit.authoring.questions import KINDS, QuestionSpec
from kurskit.portal.numbers import parse_number

TRUE, FALSE = "richtig", "falsch"


class FormRefused(ValueError):
    """The fields do not come from this page (English message; the learner sees German)."""


def answers_from_form(questions: dict[str, QuestionSpec],
                      pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Every question's answer (None when unanswered) from the page's fields. A pool
    variant the page did not show sends no field and is left out: the grading service
    knows which variant was drawn (and refuses answers to the others)."""
    fields: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for name, value in pairs:
        qid, _, part = name.partition("::")
        if qid not in questions:
            raise FormRefused(f"unknown field {name!r}")
        fields[qid][part].append(value)
    return {qid: _answer(spec, fields.get(qid, {})) for qid, spec in questions.items()
            if qid in fields or not spec.pool}


def _pick(items: tuple[str, ...], index: str) -> str | None:
    """The item with this index, None for "not chosen"; anything else is not from the page."""
    if index == "":
        return None
    if not index.isdigit() or int(index) >= len(items):
        raise FormRefused(f"choice {index!r} does not exist")
    return items[int(index)]


def _part(items: tuple[str, ...], part: str) -> str:
    if not part.isdigit() or int(part) >= len(items):
        raise FormRefused(f"field part {part!r} does not exist")
    return items[int(part)]


def _answer(spec: QuestionSpec, fields: dict[str, list[str]]) -> Any:
    single = {part: values[-1] for part, values in fields.items()}
    if spec.kind in ("single_choice", "multiple_choice"):
        options = spec.choices["options"]
        picked = {_pick(options, v) for v in fields.get("", [])} - {None}
        if spec.kind == "single_choice":
            return next(iter(picked)) if len(picked) == 1 else None
        return [o for o in options if o in picked] or None
    if spec.kind == "true_false":
        statements = spec.choices["statements"]
        judged = {_part(statements, part): value == TRUE for part, value in single.items()
                  if value in (TRUE, FALSE)}
        return judged or None
    if spec.kind == "matching":
        cases, categories = spec.choices["cases"], spec.choices["categories"]
        chosen = {_part(cases, part): _pick(categories, value) for part, value in single.items()}
        return {case: c for case, c in chosen.items() if c is not None} or None
    if spec.kind == "ordering":
        items = spec.choices["items"]
        positions = [_pick(items, single.get(str(n), "")) for n in range(len(items))]
        for part in single:
            _part(items, part)
        if None in positions or len(set(positions)) < len(positions):
            return None  # the page says so: every position once, each step once
        return positions
    text = single.get("", "")
    if spec.kind == "numeric":
        return parse_number(text)
    return KINDS[spec.kind].text_answer(text)

"""One widget function per question kind, with the name and arguments authors write in a
module's answer cells, e.g. `single_choice("frist", "Wie lange?", ["24 Stunden", …])`.

Each builds labelled ipywidgets, registers the question on the page (which restores its
draft) and shows it. The answers take the same shapes as the module page's fields
(`kurskit.portal.form_answers`); the grading service validates both alike.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from kurskit.authoring.questions import KINDS
from kurskit.portal.numbers import num, parse_number
from kurskit.portal.widgets.page import label, labelled, order, question_kind, show
from kurskit.portal.widgets.shared import make

NOT_CHOSEN = "– bitte wählen –"


@question_kind
def single_choice(qid: str, prompt: str, options: list[str], shuffle: bool = False,
                  pool: str | None = None) -> None:
    radio = make(widgets.RadioButtons, options=order(options, shuffle), value=None,
                                       layout=dict(width="auto"))
    labelled(radio, qid)

    def write(value: Any) -> None:
        radio.value = value if value in radio.options else None

    show(qid, "single_choice", prompt, radio, lambda: radio.value, [radio], write, pool)


@question_kind
def multiple_choice(qid: str, prompt: str, options: list[str], shuffle: bool = False,
                    pool: str | None = None) -> None:
    boxes = [make(widgets.Checkbox, value=False, description=o, indent=False,
                                    layout=dict(width="auto"))
             for o in order(options, shuffle)]
    inputs = make(widgets.VBox, boxes)
    def write(value: Any) -> None:
        for box in boxes:
            box.value = box.description in value

    show(qid, "multiple_choice", prompt, inputs,
          lambda: [b.description for b in boxes if b.value] or None, list(boxes), write, pool,
          intro="Mehrere Antworten können richtig sein.")


@question_kind
def true_false(qid: str, prompt: str, statements: list[str], shuffle: bool = False,
               pool: str | None = None) -> None:
    """Each statement judged „richtig“ or „falsch“."""
    rows, radios = [], []
    for number, statement in enumerate(order(statements, shuffle)):
        radio = make(widgets.RadioButtons, options=[("richtig", True), ("falsch", False)],
                     value=None, layout=dict(width="auto"))
        radios.append((statement, radio))
        token = f"{qid}-{number}"
        rows += [label(statement, token), labelled(radio, token)]

    def read() -> dict[str, bool] | None:
        judged = {s: r.value for s, r in radios if r.value is not None}
        return judged or None

    def write(value: Any) -> None:
        for statement, radio in radios:
            radio.value = value.get(statement) if value.get(statement) in (True, False) else None

    show(qid, "true_false", prompt, make(widgets.VBox, rows), read, [r for _, r in radios],
         write, pool, intro="Ist die Aussage richtig oder falsch?")


@question_kind
def matching(qid: str, prompt: str, cases: list[str], categories: list[str],
             shuffle: bool = False, pool: str | None = None) -> None:
    choices = [NOT_CHOSEN, *order(categories, shuffle)]
    rows, selects = [], []
    for number, case in enumerate(order(cases, shuffle)):
        select = make(widgets.Dropdown, options=choices, value=NOT_CHOSEN,
                                        layout=dict(width="auto", max_width="100%"))
        selects.append((case, select))
        token = f"{qid}-{number}"
        rows += [label(case, token), labelled(select, token)]

    def read() -> dict[str, str] | None:
        chosen = {case: s.value for case, s in selects if s.value != NOT_CHOSEN}
        return chosen or None

    def write(value: Any) -> None:
        for case, select in selects:
            select.value = value.get(case) if value.get(case) in categories else NOT_CHOSEN

    show(qid, "matching", prompt, make(widgets.VBox, rows), read, [s for _, s in selects], write,
         pool)


@question_kind
def ordering(qid: str, prompt: str, items: list[str], pool: str | None = None) -> None:
    """Process steps into order: one list per position, each step used once."""
    selects = [make(widgets.Dropdown, options=[NOT_CHOSEN, *items], value=NOT_CHOSEN,
                                      layout=dict(width="auto", max_width="100%"))
               for _ in items]
    hint = make(widgets.HTML, value="")
    rows = [widget for n, s in enumerate(selects, start=1)
            for widget in (label(f"Schritt {n}", f"{qid}-{n}"), labelled(s, f"{qid}-{n}"))]

    def read() -> list[str] | None:
        chosen = [s.value for s in selects]
        repeated = len({c for c in chosen if c != NOT_CHOSEN}) < sum(
            c != NOT_CHOSEN for c in chosen)
        hint.value = ("<p><em>Jeder Schritt darf nur einmal vorkommen.</em></p>"
                      if repeated else "")
        return None if repeated or NOT_CHOSEN in chosen else chosen

    def write(value: Any) -> None:
        for select, item in zip(selects, value, strict=False):
            select.value = item if item in items else NOT_CHOSEN

    show(qid, "ordering", prompt, make(widgets.VBox, [*rows, hint]), read, list(selects), write,
         pool, intro="Wählen Sie für jede Position den passenden Schritt.")


@question_kind
def numeric(qid: str, prompt: str, unit: str, pool: str | None = None) -> None:
    field = labelled(make(widgets.Text, value="", placeholder="Zahl eingeben",
                                   layout=dict(width="12em")), qid)
    hint = make(widgets.HTML, value="")

    def read() -> int | float | None:
        value = parse_number(field.value)
        hint.value = ("<p><em>Bitte geben Sie eine Zahl ein, z. B. 3 oder 2,5.</em></p>"
                      if field.value.strip() and value is None else "")
        return value

    unit_label = make(widgets.HTML, value=html.escape(unit))
    inputs = make(widgets.VBox, [make(widgets.HBox, [field, unit_label]), hint])

    def write(value: Any) -> None:
        field.value = num(value)

    show(qid, "numeric", prompt, inputs, read, [field], write, pool)


@question_kind
def short_text(qid: str, prompt: str, pool: str | None = None) -> None:
    field = labelled(make(widgets.Text, value="", placeholder="Ihre Antwort",
                                        layout=dict(width="24em", max_width="100%")), qid)
    _text(qid, "short_text", prompt, field, field, pool)


def free_text(qid: str, prompt: str) -> None:
    """A longer text (e.g. a reply letter) that a trainer grades in formgrader."""
    area = labelled(make(widgets.Textarea, value="", placeholder="Ihr Text",
                                           layout=dict(width="100%", height="12em")), qid)
    note = make(widgets.HTML, value="<p><em>Diese Antwort bewertet eine Trainerin oder ein "
                              "Trainer.</em></p>")
    _text(qid, "free_text", prompt, area, make(widgets.VBox, [area, note]))


def _text(qid: str, kind: str, prompt: str, field: widgets.Widget,
          inputs: widgets.Widget, pool: str | None = None) -> None:
    """A text question: its answer is the field's text, as `QuestionKind.text_answer` says."""

    def write(value: Any) -> None:
        field.value = str(value)

    show(qid, kind, prompt, inputs, lambda: KINDS[kind].text_answer(field.value), [field],
         write, pool)

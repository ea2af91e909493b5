"""A module as a plain HTML page: the lesson and native form controls, no kernel.

The portal's default module view. It is made from the same release notebook Voilà runs
(so it holds no key either): markdown cells become HTML with nbconvert's renderer (the
one Voilà uses, pictures included), each question call is read with `ast` (never
executed) and drawn as native, labelled form controls, the submit cell becomes the
„Abgeben“ panel. Answers go through the portal to the grading service exactly like the
widgets' answers, so drafts, „Prüfen“ and grading are shared by both views.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import nbformat
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

from kurskit.authoring.cells import Kind, kind_of, module_id_in, question_in
from kurskit.authoring.questions import KINDS, QuestionSpec
from kurskit.portal.assets import PAGE_TEMPLATES, STATIC
from kurskit.portal.feedback import checks_label
from kurskit.portal.form_answers import FALSE, TRUE
from kurskit.portal.numbers import num

ENVIRONMENT = jinja2.Environment(loader=jinja2.FileSystemLoader(PAGE_TEMPLATES),
                                 autoescape=True, trim_blocks=True, lstrip_blocks=True)


class NotAModule(ValueError):
    """The notebook is no kurskit release notebook (English, for the log)."""


@dataclass(frozen=True)
class Question:
    number: int
    spec: QuestionSpec  # an interactive element's spec carries its answer's plain kind
    interactive: bool = False


@dataclass(frozen=True)
class LessonPage:
    module_id: str
    title: str
    blocks: tuple[str | Question, ...]  # lesson HTML or a question, in notebook order
    has_submit: bool

    @property
    def questions(self) -> dict[str, QuestionSpec]:
        return {b.spec.qid: b.spec for b in self.blocks if isinstance(b, Question)}

    @property
    def has_pools(self) -> bool:
        """Some questions are variants of a pool: the service's draw picks one each."""
        return any(isinstance(b, Question) and b.spec.pool for b in self.blocks)


def read_page(release: Path) -> LessonPage:
    """The page of a release notebook (cached until the file changes)."""
    stat = release.stat()
    return _read_page(release, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=256)
def _read_page(release: Path, _mtime: int, _size: int) -> LessonPage:
    try:
        notebook = nbformat.read(release, as_version=4)
    except Exception as error:
        raise NotAModule(f"{release}: not a readable notebook ({error})") from None
    module_id, title, has_submit = "", "", False
    blocks: list[str | Question] = []
    for cell in notebook.cells:
        kind = kind_of(cell)
        if kind is Kind.LESSON:
            renderer = IPythonRenderer(escape=False, attachments=cell.get("attachments") or {},
                                       exclude_anchor_links=True)
            blocks.append(MarkdownWithMath(renderer=renderer).render(cell.source))
            title = title or _first_heading(cell.source)
        elif kind is Kind.SETUP:
            module_id = module_id_in(cell.source) or ""
        elif kind is Kind.SUBMIT:
            has_submit = True
        elif kind.asks:
            spec = question_in(cell.source)
            if spec is None:
                grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
                raise NotAModule(f"{release}: cell {grade_id!r} holds no question call")
            asked = [b for b in blocks if isinstance(b, Question)]
            # the variants of a pool share a number: the learner sees one of them
            same_pool = bool(asked) and spec.pool is not None and asked[-1].spec.pool == spec.pool
            number = asked[-1].number if same_pool else (asked[-1].number + 1 if asked else 1)
            element = KINDS[spec.kind]
            if element.interactive:  # the page shows the answer's plain controls
                spec = replace(spec, kind=element.answer_kind)
            blocks.append(Question(number, spec, element.interactive))
        # hidden tests, free-text answer cells and raw cells are not the learner's
    if not module_id:
        raise NotAModule(f"{release}: no setup cell calling start_module(...)")
    return LessonPage(module_id, title or module_id, tuple(blocks), has_submit)


def render(page: LessonPage, *, api: str, overview: str, draft: dict[str, Any] | None,
           rng: random.Random | None = None, xsrf: str = "",
           hidden: frozenset[str] | None = None) -> str:
    """The whole HTML page; `draft` (the service's draft, None if unreachable) fills it in;
    `xsrf` is the token the page's calls send back (tornado's `xsrf_token`); `hidden`: the
    pool variants the learner's draw left out (None: no draw known, the first variant of
    each pool is shown)."""
    rng = rng or random.Random()
    hidden = _first_variants_only(page) if hidden is None else hidden
    answers = (draft or {}).get("answers") or {}
    checks_left = (draft or {}).get("checks_left") or {}
    checks_allowed = (draft or {}).get("checks_per_question")
    views: list[dict[str, Any]] = []
    for block in page.blocks:
        if not isinstance(block, Question):
            views.append({"html": block})
            continue
        if block.spec.qid in hidden:
            continue
        view = _question_view(block, answers.get(block.spec.qid), rng)
        left = checks_left.get(block.spec.qid)
        view["check"] = (None if block.spec.kind == "free_text" or checks_allowed == 0
                         else {"label": checks_label(left) if left is not None else "Prüfen",
                               "disabled": left is not None and left <= 0})
        views.append(view)
    return ENVIRONMENT.get_template("modul.html.j2").render(
        page=page, views=views, api=api, overview=overview, css=_static("lernseite.css"),
        script=_static("lernseite.js"),
        service_down=draft is None, word_true=TRUE, word_false=FALSE, xsrf=xsrf)


def _first_variants_only(page: LessonPage) -> frozenset[str]:
    """Every pool variant but the first of its pool."""
    first: dict[str, str] = {}
    for spec in page.questions.values():
        if spec.pool:
            first.setdefault(spec.pool, spec.qid)
    return frozenset(q for q, s in page.questions.items() if s.pool and first[s.pool] != q)


@lru_cache(maxsize=4)
def _static(name: str) -> str:
    return (STATIC / name).read_text("utf-8")


def _question_view(question: Question, answer: Any, rng: random.Random) -> dict[str, Any]:
    """What the template draws: choices in page order, each with its index and state."""
    spec = question.spec

    def order(items: tuple[str, ...], shuffle: bool = True) -> list[tuple[int, str]]:
        indexed = list(enumerate(items))
        if spec.shuffle and shuffle:
            rng.shuffle(indexed)
        return indexed

    view: dict[str, Any] = {"question": spec, "number": question.number,
                            "interactive": question.interactive}
    if spec.kind in ("single_choice", "multiple_choice"):
        picked = answer if isinstance(answer, list) else [answer]
        view["options"] = [(i, text, text in picked) for i, text in order(spec.choices["options"])]
    elif spec.kind == "true_false":
        judged = answer if isinstance(answer, dict) else {}
        words = {True: TRUE, False: FALSE}
        view["statements"] = [(i, text, words[judged[text]] if isinstance(
            judged.get(text), bool) else None) for i, text in order(spec.choices["statements"])]
    elif spec.kind == "matching":
        chosen = answer if isinstance(answer, dict) else {}
        view["categories"] = order(spec.choices["categories"])
        view["cases"] = [(i, text, chosen.get(text)) for i, text in order(spec.choices["cases"])]
    elif spec.kind == "ordering":
        placed = answer if isinstance(answer, list) else []
        items = spec.choices["items"]
        view["steps"] = list(enumerate(items))
        view["positions"] = [(n, placed[n] if n < len(placed) else None)
                             for n in range(len(items))]
    elif spec.kind == "numeric":
        view["value"] = num(answer) if isinstance(answer, int | float) and not isinstance(
            answer, bool) else ""
        view["unit"] = spec.texts.get("unit", "")
    else:
        view["value"] = answer if isinstance(answer, str) else ""
        view["max_length"] = KINDS[spec.kind].max_length
    return view


def _first_heading(markdown: str) -> str:
    for line in markdown.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return ""


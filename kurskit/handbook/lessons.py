"""Lesson text for the handbook, made from the RELEASE notebook that learners get.

Only what a learner already sees goes onto the site: the lesson's markdown cells (with
their pictures) and the prompts of the questions. Setup, answer stubs, tests and the
free-text answer cells are left out, so neither a solution nor a hidden test nor a
trainer's grading guidance can reach the handbook even if the release changed.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from kurskit.authoring.cells import Kind, kind_of, question_in
from kurskit.authoring.questions import QuestionSpec
from kurskit.handbook.terms import TermLinker

# German names of the question types, as the handbook shows them
KIND_NAMES = {
    "single_choice": "Einfachauswahl",
    "multiple_choice": "Mehrfachauswahl",
    "true_false": "Richtig oder falsch",
    "matching": "Zuordnung",
    "ordering": "Reihenfolge",
    "numeric": "Zahl",
    "short_text": "Kurze Antwort",
    "free_text": "Freitext, bewertet von einer Trainerin oder einem Trainer",
    "phishing_inspector": "Interaktiv: Mails untersuchen",
    "password_lab": "Interaktiv: Passwort-Rechner",
    "maturity_check": "Interaktiv: Selbstcheck",
    "data_chart": "Interaktiv: Diagramm lesen",
}
PICTURE = re.compile(r"(!\[[^\]]*\]\()attachment:([^)\s]+)(\))")
EXTENSIONS = {"image/svg+xml": ".svg", "image/png": ".png", "image/jpeg": ".jpg",
              "image/gif": ".gif", "image/webp": ".webp"}


@dataclass
class Lesson:
    markdown: str
    pictures: dict[str, bytes] = field(default_factory=dict)  # file name → content
    questions: int = 0


def read_lesson(release: Path, picture_prefix: str, linker: TermLinker | None = None) -> Lesson:
    """The lesson of one release notebook; pictures are named `<picture_prefix><name>`."""
    notebook = nbformat.read(release, as_version=4)
    lesson = Lesson("")
    parts: list[str] = []
    first_text = True
    pool_sizes: dict[str, int] = {}
    for cell in notebook.cells:
        spec = question_in(cell.source) if kind_of(cell).asks else None
        if spec is not None and spec.pool:
            pool_sizes[spec.pool] = pool_sizes.get(spec.pool, 0) + 1
    shown_pools: set[str] = set()
    for cell in notebook.cells:
        kind = kind_of(cell)
        if kind is Kind.LESSON:
            text = _pictures(cell, picture_prefix, lesson.pictures)
            text = _demote_headings(text, drop_title=first_text)
            text = _nested_lists(text)
            parts.append(linker.link(text) if linker else text)
            first_text = False
        elif kind is Kind.SUBMIT:
            parts.append(SUBMIT_NOTE)
        elif kind.asks:
            spec = question_in(cell.source)
            if spec is not None and spec.pool:  # a pool shows its first variant, once
                if spec.pool in shown_pools:
                    continue
                shown_pools.add(spec.pool)
            lesson.questions += 1
            parts.append(question_box(lesson.questions, spec,
                                      pool_sizes.get(spec.pool or "", 0) if spec else 0))
        # setup, hidden tests and free-text answer cells (the learner's) are not lesson text
    lesson.markdown = "\n\n".join(p.strip("\n") for p in parts if p.strip()) + "\n"
    return lesson


SUBMIT_NOTE = ("!!! note \"Abgeben im Lernportal\"\n"
               "    Im Lernportal stehen hier die Schaltflächen zum Abgeben. Das Ergebnis und "
               "die Erklärungen zu den Fragen sehen Lernende erst nach dem Abgeben.")


def question_box(number: int, spec: QuestionSpec | None, variants: int = 0) -> str:
    """A question's box; `variants`: the size of its pool (the lesson shows the first)."""
    kind = f" · {KIND_NAMES.get(spec.kind, spec.kind)}" if spec else ""
    prompt = spec.prompt if spec else "Diese Frage beantworten Sie im Lernportal."
    body = "\n".join(f"    {line}" if line.strip() else "" for line in prompt.splitlines())
    if variants > 1:
        body += (f"\n\n    *Eine von {variants} gleichwertigen Fragen: Im Lernportal zieht "
                 "jeder Versuch eine davon.*")
    return f"!!! question \"Frage {number}{kind}\"\n{body}"


def _pictures(cell: Any, prefix: str, pictures: dict[str, bytes]) -> str:
    """attachment:name → a file next to the page; alt text stays as the author wrote it."""
    attachments = cell.get("attachments") or {}

    def replace(match: re.Match[str]) -> str:
        name = match.group(2)
        for mime, payload in (attachments.get(name) or {}).items():
            if mime not in EXTENSIONS:
                continue
            try:
                data = base64.b64decode(payload, validate=True)
            except (binascii.Error, ValueError, TypeError):
                continue
            stem = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(name).stem)
            filename = f"{prefix}{stem}{EXTENSIONS[mime]}"
            pictures[filename] = data
            return f"{match.group(1)}{filename}{match.group(3)}"
        return match.group(0)

    return PICTURE.sub(replace, cell.source)


def _demote_headings(text: str, drop_title: bool) -> str:
    """The page has its own title: drop the lesson's, and make other top headings level 2."""
    lines = text.split("\n")
    if drop_title and lines and re.match(r"^#\s", lines[0]):
        lines = lines[1:]
    return "\n".join(re.sub(r"^#\s", "## ", line) for line in lines)


def _nested_lists(text: str) -> str:
    """Jupyter's Markdown nests a list with 2 spaces; Python-Markdown needs 4 per level."""
    out = []
    for line in text.split("\n"):
        match = re.match(r"^( {2,3})([-*+]|\d+\.)\s", line)
        out.append("    " + line[len(match.group(1)):] if match else line)
    return "\n".join(out)

"""Lesson text from a release notebook: what learners read, and nothing to grade with."""

import base64

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from kurskit.authoring.glossary import Term
from kurskit.handbook.lessons import read_lesson
from kurskit.handbook.terms import TermLinker

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'


def nbgrader(grade_id: str, **flags) -> dict:
    return {"nbgrader": {"grade_id": grade_id, "solution": False, "grade": False,
                         "locked": False, "schema_version": 3, **flags}}


def release_with_everything(path):
    """A release as nbgrader makes it — plus what a broken release might still carry."""
    picture = new_markdown_cell("## Ablauf\n\n![Ablauf in drei Schritten: Antrag, Prüfung, "
                                "Bescheid](attachment:ablauf.svg)")
    picture["attachments"] = {"ablauf.svg": {"image/svg+xml": base64.b64encode(SVG).decode()}}
    cells = [
        new_markdown_cell("# Titel des Moduls\n\nDie DSGVO gilt.\n\n- Punkt\n  - Unterpunkt"),
        new_code_cell('from kurskit.exercises import *\nstart_module("k-01-x")',
                      metadata=nbgrader("setup", locked=True)),
        picture,
        new_code_cell('single_choice("frist", "Wie lange hat die Behörde Zeit?", '
                      '["24 Stunden", "72 Stunden"])\nfrist = "GEHEIME-LOESUNG"',
                      metadata=nbgrader("frist", solution=True)),
        new_code_cell('check_single_choice(frist, "72 Stunden", "GEHEIME-ERKLAERUNG")',
                      metadata=nbgrader("frist_test", grade=True, locked=True, points=1)),
        new_code_cell('free_text("brief", "Schreiben Sie eine Antwort an Herrn Krause.")',
                      metadata=nbgrader("brief_frage", locked=True)),
        new_markdown_cell("GEHEIME-BEWERTUNGSHINWEISE für Trainer",
                          metadata=nbgrader("brief", solution=True, grade=True, points=2)),
        new_markdown_cell("## Abgeben\n\nDrücken Sie „Abgeben“."),
        new_code_cell("submit_panel()", metadata=nbgrader("abgabe", locked=True)),
    ]
    nbformat.write(new_notebook(cells=cells), path)
    return path


def test_lesson_keeps_text_prompts_and_pictures_and_drops_all_code(tmp_path):
    terms = [Term("Datenschutz-Grundverordnung", "Die Verordnung ...", "DSGVO")]
    lesson = read_lesson(release_with_everything(tmp_path / "01-x.ipynb"), "bilder/01-x-",
                         TermLinker(terms, lambda t: f"../../glossar.md#{t.anchor}"))
    text = lesson.markdown
    assert "GEHEIME" not in text and "check_" not in text and "start_module" not in text
    assert "Titel des Moduls" not in text  # the page has its own title
    assert "Die [DSGVO](../../glossar.md#datenschutz-grundverordnung) gilt." in text
    assert "    - Unterpunkt" in text  # nested for Python-Markdown
    assert '!!! question "Frage 1 · Einfachauswahl"\n    Wie lange hat die Behörde Zeit?' in text
    assert '!!! question "Frage 2 · Freitext' in text and "Herrn Krause" in text
    assert lesson.questions == 2
    assert "![Ablauf in drei Schritten: Antrag, Prüfung, Bescheid](bilder/01-x-ablauf.svg)" in text
    assert lesson.pictures == {"bilder/01-x-ablauf.svg": SVG}
    assert '!!! note "Abgeben im Lernportal"' in text


def test_a_pool_shows_its_first_variant_once_and_says_it_is_one_of_several(released_example):
    from kurskit import layout

    release = layout.release_notebook(released_example.grading, "beispiel-02-weitere",
                                      "02-weitere.ipynb")
    lesson = read_lesson(release, "bilder/02-")
    text = lesson.markdown
    assert "Auskunftsersuchen nach Art. 15 DSGVO" in text  # the first variant's prompt
    assert "Eine von 3 gleichwertigen Fragen" in text
    assert "Datenschutzbeauftragte" not in text and "Landes" not in text  # the others
    assert lesson.questions == 6  # 4 questions, the pool once, the free text
    assert "Art. 12 Abs. 3" not in text and "grade_pool" not in text  # no key, no test

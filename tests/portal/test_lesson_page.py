"""The HTML module page made from a release notebook: every question, labelled, no key."""

import random
from html.parser import HTMLParser

import nbformat
import pytest

from kurskit.authoring.catalog import load_catalog
from kurskit.authoring.pools import graded_units
from kurskit.portal.lesson_page import NotAModule, read_page, render

pytestmark = pytest.mark.nbgrader


class Controls(HTMLParser):
    """Form controls, labels and legends of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.labelled: set[str] = set()
        self.fieldsets = self.legends = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("input", "select", "textarea") and attributes.get("type") != "hidden":
            self.controls.append({"tag": tag, **attributes})
        elif tag == "label" and attributes.get("for"):
            self.labelled.add(attributes["for"])
        elif tag == "fieldset":
            self.fieldsets += 1
        elif tag == "legend":
            self.legends += 1


def pages(project):
    catalog = load_catalog(project.courses)
    for module in catalog.modules:
        release = project.grading / "release" / module.id / module.filename
        yield module, read_page(release)


def show(page, draft=None, seed=1):
    return render(page, api="/lernen/x.ipynb", overview="/",
                  draft=draft, rng=random.Random(seed))


def test_every_question_of_the_release_is_on_the_page(released_example):
    for module, page in pages(released_example):
        assert page.module_id == module.id and page.has_submit
        assert [(q.qid, q.kind) for q in page.questions.values()] == [
            (e.qid, e.spec.kind) for e in module.notebook.exercises]
        html = show(page)
        # one question per pool: the draw's variant (without a draw: the first)
        assert html.count('class="kk-frage"') == len(graded_units(module.notebook.exercises))
        assert "Abgeben" in html and 'lang="de"' in html


def test_every_control_has_a_label_and_every_group_a_legend(released_example):
    for _module, page in pages(released_example):
        parsed = Controls()
        parsed.feed(show(page))
        assert parsed.controls
        for control in parsed.controls:
            assert control.get("id") in parsed.labelled, control
        assert parsed.fieldsets == parsed.legends


def test_the_page_holds_no_key_and_no_code(released_example):
    for module, page in pages(released_example):
        html = show(page)
        for exercise in module.notebook.exercises:
            if exercise.explanation:
                assert exercise.explanation not in html
            solution = exercise.solution
            if isinstance(solution, str) and solution not in {o for q in page.questions.values()
                                                              for c in q.choices.values()
                                                              for o in c}:
                assert solution not in html  # e.g. a short-text answer
        assert "start_module" not in html and "submit_panel" not in html
        assert "_test" not in html and "BEGIN" not in html


def test_a_draft_fills_the_controls(released_example):
    _, page = list(pages(released_example))[1]  # true/false, ordering, numeric, texts
    draft = {"answers": {
        "aussagen": {"Die DSGVO gilt seit 2018.": True, "Behörden stützen sich auf lit. f.": False},
        "ablauf": ["Antrag prüfen", "Antrag annehmen", "Bescheid versenden"],
        "meldefrist": 2.5, "artikel": "Art. <33>", "antwortschreiben": "Sehr geehrte"},
        "checks_left": {"ablauf": 0, "meldefrist": 1}, "checks_per_question": 2}
    html = show(page, draft)
    assert html.count(" checked") == 2
    assert html.count(" selected") == 3
    assert 'value="2,5"' in html
    assert 'value="Art. &lt;33&gt;"' in html  # escaped, never markup
    assert ">Sehr geehrte</textarea>" in html
    assert "Keine Prüfversuche mehr" in html and "Prüfen (noch 1)" in html


def test_a_draft_that_no_longer_fits_is_ignored(released_example):
    _, page = list(pages(released_example))[1]
    draft = {"answers": {"aussagen": [1, 2], "ablauf": {"x": 1}, "meldefrist": "viel",
                         "artikel": 33}, "checks_left": {}, "checks_per_question": 2}
    html = show(page, draft)
    assert " checked" not in html and " selected" not in html


def test_shuffling_keeps_every_choice_and_its_index(released_example):
    _, page = list(pages(released_example))[1]
    spec = page.questions["aussagen"]
    assert spec.shuffle
    orders = set()
    for seed in range(6):
        html = show(page, seed=seed)
        positions = sorted((html.index(f">{s}</legend>"), n)
                           for n, s in enumerate(spec.choices["statements"]))
        orders.add(tuple(n for _, n in positions))
        for n, statement in enumerate(spec.choices["statements"]):
            assert f'name="aussagen::{n}"' in html and statement in html
    assert len(orders) > 1


def test_checks_switched_off_and_service_down(released_example):
    _, page = next(iter(pages(released_example)))
    html = show(page, {"answers": {}, "checks_left": {}, "checks_per_question": 0})
    assert 'class="kk-pruefen"' not in html
    assert "Bewertungsdienst ist gerade nicht erreichbar" in show(page, None)


def test_a_notebook_that_is_no_module_is_refused(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Nur Text")])
    path = tmp_path / "kein-modul.ipynb"
    nbformat.write(notebook, path)
    with pytest.raises(NotAModule, match="start_module"):
        read_page(path)
    path.write_text("{ kein json", "utf-8")
    with pytest.raises(NotAModule, match="not a readable notebook"):
        read_page(path)


def test_text_fields_take_no_more_than_the_service_accepts(released_example):
    """The browser stops typing where the question kind's limit is (one limit for all)."""
    from kurskit.authoring.questions import KINDS

    limits = {}
    for _module, page in pages(released_example):
        parsed = Controls()
        parsed.feed(show(page))
        for control in parsed.controls:
            if control["tag"] == "textarea" or control.get("type") == "text":
                qid = str(control["name"])
                limits[page.questions[qid].kind] = control.get("maxlength")
    assert limits["short_text"] == str(KINDS["short_text"].max_length) == "200"
    assert limits["free_text"] == str(KINDS["free_text"].max_length) == "5000"


def test_the_page_shows_only_the_drawn_variant_of_a_pool(released_example):
    from kurskit.portal.form_answers import answers_from_form

    page = dict((m.id, p) for m, p in pages(released_example))["beispiel-02-weitere"]
    assert page.has_pools
    numbers = {b.spec.qid: b.number for b in page.blocks if hasattr(b, "spec")}
    assert numbers["auskunftsfrist"] == numbers["dsb_pflicht"] == numbers["aufsicht"] == 5
    assert numbers["antwortschreiben"] == 6  # the pool counts as one question
    html = render(page, api="/lernen/x.ipynb", overview="/", draft=None,
                  rng=random.Random(1), hidden=frozenset({"auskunftsfrist", "aufsicht"}))
    assert "Datenschutzbeauftragte oder einen" in html  # dsb_pflicht, the drawn one
    assert "Art. 15 DSGVO in der Regel" not in html and "Einhaltung des Datenschutzes" not in html
    # the fields of the page name the drawn variant only; the others are not sent
    answers = answers_from_form(page.questions, [("dsb_pflicht", "0")])
    assert answers["dsb_pflicht"] == "ja, jede Behörde"
    assert "auskunftsfrist" not in answers and "aufsicht" not in answers
    assert answers["artikel"] is None  # questions outside pools: as before

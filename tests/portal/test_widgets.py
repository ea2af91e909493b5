"""The learner-side widgets: answers read from widgets, German texts, no key in the kernel."""

import contextlib
import json

import nbformat
import pytest
from nbclient import NotebookClient

from kurskit import deployment
from kurskit.portal.client import ServiceError as SubmissionFailed
from kurskit.portal.feedback import STILL_GRADING
from kurskit.portal.widgets import page as widget_page
from kurskit.portal.widgets.kinds import (
    NOT_CHOSEN,
    free_text,
    matching,
    multiple_choice,
    numeric,
    ordering,
    short_text,
    single_choice,
    true_false,
)
from kurskit.portal.widgets.page import PAGE, start_module
from kurskit.portal.widgets.submit import submit_answers


@pytest.fixture
def page():
    start_module("beispiel-01-kurz")
    single_choice("frist", "Wie lange?", ["24 Stunden", "72 Stunden"])
    multiple_choice("grundsaetze", "Welche?", ["Datenminimierung", "Zweckbindung", "Gewinn"])
    matching("rechtsgrundlagen", "Zuordnen", ["Bauantrag", "Newsletter"], ["lit. a", "lit. e"])
    return PAGE


def widgets_of(question):
    return question.watched


def test_a_fresh_page_has_no_answers(page):
    assert {q: page.questions[q].answer() for q in page.questions} == {
        "frist": None, "grundsaetze": None, "rechtsgrundlagen": None}
    assert [q.number for q in page.questions.values()] == [1, 2, 3]


def test_widget_values_become_answers(page):
    widgets_of(page.questions["frist"])[0].value = "72 Stunden"
    boxes = widgets_of(page.questions["grundsaetze"])
    boxes[0].value = boxes[1].value = True
    selects = widgets_of(page.questions["rechtsgrundlagen"])
    selects[0].value = "lit. e"
    assert page.questions["frist"].answer() == "72 Stunden"
    assert page.questions["grundsaetze"].answer() == ["Datenminimierung", "Zweckbindung"]
    assert page.questions["rechtsgrundlagen"].answer() == {"Bauantrag": "lit. e"}
    selects[0].value = NOT_CHOSEN
    assert page.questions["rechtsgrundlagen"].answer() is None


def test_feedback_is_german_and_not_by_colour_alone(page):
    question = page.questions["frist"]
    question.show_feedback({"points": 0, "max_points": 1, "correct": False, "answered": True,
                            "feedback": "Art. 33 <DSGVO>"})
    assert "✗ Nicht richtig (0 von 1 Punkt)" in question.feedback.value
    assert "&lt;DSGVO&gt;" in question.feedback.value  # author text is escaped
    question.show_feedback({"points": 1, "max_points": 1, "correct": True, "answered": True,
                            "feedback": ""})
    assert "✓ Richtig" in question.feedback.value


def test_unreachable_service_gives_a_german_message(monkeypatch):
    monkeypatch.setenv(deployment.SERVICE_URL, "http://127.0.0.1:9")
    with pytest.raises(SubmissionFailed, match="Bewertungsdienst ist gerade nicht erreichbar"):
        submit_answers("beispiel-01-kurz", {}, timeout=2)


def test_duplicate_question_ids_are_refused():
    start_module("x")
    single_choice("a", "Frage?", ["1", "2"])
    with pytest.raises(ValueError, match="used twice"):
        single_choice("a", "Frage?", ["1", "2"])


@pytest.mark.nbgrader
@pytest.mark.parametrize("module_id", [
    "datenschutz-01-grundlagen",
    # the modules with interactive elements: their material is in the kernel, no key
    "it-sicherheit-02-phishing-erkennen", "it-sicherheit-03-passwoerter-2fa-passkeys",
    "ozg-02-reifegrad-leika-fim", "digitale-grundkompetenzen-02-informationen-bewerten"])
def test_the_learners_kernel_never_holds_a_key(released_real, real_catalog, module_id):
    """Run the release notebook in a real kernel, then search its memory for every key."""
    module = real_catalog.module(module_id)
    release = released_real.grading / "release" / module.id / module.filename
    notebook = nbformat.read(release, as_version=4)
    client = NotebookClient(notebook, timeout=60, kernel_name="python3")
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):  # the cells Voilà runs
            client.execute_cell(cell, index)
        errors = [o for c in notebook.cells for o in c.get("outputs", [])
                  if o.output_type == "error"]
        assert errors == []
        memory = read_process_memory(client.km.provisioner.process.pid)
    # the questions themselves are in the kernel (as they should be) ...
    prompt = module.notebook.exercises[0].spec.prompt
    assert found(memory, prompt)
    # ... but no explanation and no solution assignment is
    for exercise in module.notebook.exercises:
        assert not found(memory, exercise.explanation), exercise.qid
        assert not found(memory, f"{exercise.qid} = {json.dumps(exercise.solution)[:30]}")


def found(memory, text):
    needles = {text.encode(e) for e in ("utf-8", "utf-16-le", "utf-32-le")}
    with contextlib.suppress(UnicodeEncodeError):
        needles.add(text.encode("latin-1"))
    return any(needle in chunk for chunk in memory for needle in needles)


def read_process_memory(pid):
    chunks = []
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb") as mem:
        for line in maps:
            address, perms = line.split()[:2]
            if "r" not in perms or "[vvar" in line or "[vsyscall" in line:
                continue
            start, end = (int(x, 16) for x in address.split("-"))
            try:
                mem.seek(start)
                chunks.append(mem.read(end - start))
            except (OSError, ValueError, OverflowError):
                continue
    return chunks


def test_a_refusal_shows_the_services_german_message(monkeypatch):
    """The app shows `message_de` from the service's 4xx answer, not a technical error."""
    import http.server
    import threading

    class Refusing(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.dumps({"error": "invalid_answer", "message": "answer is not an option",
                               "message_de": "Ungültige Antwort: bitte neu wählen."}).encode()
            self.send_response(422)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Refusing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv(deployment.SERVICE_URL, f"http://127.0.0.1:{server.server_port}")
        with pytest.raises(SubmissionFailed, match=r"Ungültige Antwort: bitte neu wählen\."):
            submit_answers("beispiel-01-kurz", {"frist": "x"})
    finally:
        server.shutdown()


def test_a_202_is_polled_until_the_grade_is_there(monkeypatch):
    """The service stored the submission but grades later: the app waits and asks again."""
    import http.server
    import threading

    result = {"module": "beispiel-01-kurz", "attempt": 3, "score": 4.0, "max_score": 4.0,
              "questions": []}
    polls = []

    class Slow(http.server.BaseHTTPRequestHandler):
        def _answer(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            self._answer(202, {"module": "beispiel-01-kurz", "attempt": 3, "status": "grading",
                               "status_url": "/api/v1/modules/beispiel-01-kurz/submissions/3"})

        def do_GET(self):
            polls.append(self.path)
            if len(polls) < 3:
                self._answer(202, {"module": "beispiel-01-kurz", "attempt": 3,
                                   "status": "grading", "status_url": self.path})
            else:
                self._answer(200, result)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    waits = []
    try:
        monkeypatch.setenv(deployment.SERVICE_URL, f"http://127.0.0.1:{server.server_port}")
        outcome = submit_answers("beispiel-01-kurz", {"frist": "72 Stunden"},
                                 on_wait=lambda: waits.append(1), poll=0.01)
    finally:
        server.shutdown()
    assert outcome == result
    assert polls == ["/api/v1/modules/beispiel-01-kurz/submissions/3"] * 3
    assert len(waits) == 3
    assert "gespeichert" in STILL_GRADING


def test_ordering_numeric_and_short_text_widgets():
    start_module("beispiel-02-weitere")
    ordering("ablauf", "Reihenfolge?", ["prüfen", "annehmen"])
    numeric("frist", "Wie viele Stunden?", "Stunden")
    short_text("artikel", "Welcher Artikel?")
    first, second = widgets_of(PAGE.questions["ablauf"])
    first.value = second.value = "prüfen"
    assert PAGE.questions["ablauf"].answer() is None  # a step twice is no order
    assert "nur einmal" in PAGE.questions["ablauf"].box.children[1].children[-1].value
    second.value = "annehmen"
    assert PAGE.questions["ablauf"].answer() == ["prüfen", "annehmen"]
    (field,) = widgets_of(PAGE.questions["frist"])
    field.value = "72"
    assert PAGE.questions["frist"].answer() == 72
    field.value = "zweiundsiebzig"
    assert PAGE.questions["frist"].answer() is None
    (text,) = widgets_of(PAGE.questions["artikel"])
    text.value = "  Art. 33 "
    assert PAGE.questions["artikel"].answer() == "Art. 33"


def test_free_text_widget_and_pending_feedback():
    start_module("beispiel-02-weitere")
    free_text("antwortschreiben", "Schreiben Sie eine Antwort.")
    question = PAGE.questions["antwortschreiben"]
    (area,) = widgets_of(question)
    assert question.answer() is None
    area.value = "  Sehr geehrter Herr Krause  "
    assert question.answer() == "Sehr geehrter Herr Krause"
    question.show_feedback({"points": None, "max_points": 2, "correct": False, "pending": True,
                            "answered": True, "feedback": "wird bewertet"})
    assert "Wird bewertet (bis zu 2 Punkten)" in question.feedback.value


def test_true_false_widget_and_shuffled_options(monkeypatch):
    start_module("x")
    true_false("t", "Stimmt das?", ["A", "B"])
    first, second = widgets_of(PAGE.questions["t"])
    first.value = True
    assert PAGE.questions["t"].answer() == {"A": True}
    second.value = False
    assert PAGE.questions["t"].answer() == {"A": True, "B": False}
    monkeypatch.setattr(widget_page.random, "sample", lambda items, n: list(reversed(items)))
    single_choice("s", "Welche?", ["eins", "zwei", "drei"], shuffle=True)
    assert list(widgets_of(PAGE.questions["s"])[0].options) == ["drei", "zwei", "eins"]
    PAGE.questions["t"].show_feedback({"points": 1, "max_points": 2, "correct": False,
                                       "answered": True, "feedback": ""})
    assert "Teilweise richtig (1 von 2 Punkten)" in PAGE.questions["t"].feedback.value


def test_a_new_draw_builds_its_variant_and_closes_the_widgets_of_the_one_it_replaces(
        monkeypatch):
    """A page made before a new attempt (a preheated kernel) shows the new draw once handed
    out; the variant it replaces loses its widgets, so the page does not load them."""
    from ipywidgets.widgets.widget import _instances

    draws = iter([["frist-b"], ["frist-a"]])  # the variants each draw leaves out

    def service(flow):  # the grading service's answers (the client's own tests are apart)
        request = next(flow)
        if request.path.endswith("/draw"):
            return {"hidden": next(draws)}
        return {"answers": {}, "checks_left": {}, "checks_per_question": 3}

    monkeypatch.setattr(widget_page.client, "call", service)
    start_module("beispiel-01-kurz")
    single_choice("frist-a", "Wie lange (A)?", ["24 Stunden", "72 Stunden"], pool="frist")
    single_choice("frist-b", "Wie lange (B)?", ["1 Tag", "3 Tage"], pool="frist")
    slot, first = PAGE.slots["frist"], PAGE.questions["frist-a"]
    replaced = PAGE.built["frist-a"][1]
    replaced_ids = [widget.model_id for widget in replaced]
    assert slot.children == (first.box,) and "frist-b" not in PAGE.questions
    assert first.box.model_id in _instances and len(replaced) >= 4

    PAGE.refresh_draft()  # handed out after a new attempt: the draw changed
    second = PAGE.questions["frist-b"]
    assert slot.children == (second.box,) and second.number == first.number == 1
    assert "frist-a" not in PAGE.questions and "frist-a" in PAGE.waiting
    assert not [model for model in replaced_ids if model in _instances]
    assert all(widget.comm is None for widget in replaced)
    assert slot.comm is not None and slot.layout.comm is not None  # slot, shared layout
    assert second.box.layout is first.box.layout
    assert list(PAGE.active()) == ["frist-b"]

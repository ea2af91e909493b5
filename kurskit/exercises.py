"""Exercise widgets for the learner's Voilà app (runs in the learner's kernel).

The kernel holds the question texts and the learner's answers, never a key: solutions
and explanations stay on the grading side. "Abgeben" sends the answers as literal data
to the grading service, which grades them with nbgrader and returns score and feedback.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import random
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
from IPython.display import HTML, display

from kurskit.feedback import (
    GRADING_SLOW,
    SERVICE_DOWN,
    STILL_GRADING,
    checks_label,
    num,
    question_feedback_html,
    refused,
    result_html,
)
from kurskit.form_answers import parse_number

SERVICE_URL_ENV = "KURSKIT_SERVICE_URL"
DEFAULT_SERVICE_URL = "http://127.0.0.1:8870"
NOT_CHOSEN = "– bitte wählen –"

_CSS = """
<style>
.kurskit-question { border-left: 4px solid #1f4e79; padding: 0.5em 1em; margin: 1em 0; }
.kurskit-question .widget-label, .kurskit-question label { white-space: normal !important; }
.kurskit-question .widget-html-content p { line-height: 1.5; margin: 0.25em 0; }
.kurskit-question .widget-radio-box label { height: auto !important; margin: 0.25em 0; }
.kurskit-question .widget-checkbox { width: auto !important; height: auto !important; }
.kurskit-question .widget-checkbox .widget-label-basic { white-space: normal; }
.kurskit-feedback-right { color: #1b5e20; }
.kurskit-feedback-wrong { color: #8b1a1a; }
.kurskit-result { border: 2px solid #1f4e79; padding: 0.5em 1em; margin-top: 1em; }
</style>
"""


class Question:
    """One question on the page: its widgets, its current answer, its feedback area."""

    def __init__(self, qid: str, kind: str, number: int, prompt: str,
                 inputs: widgets.Widget, read: Callable[[], Any],
                 watched: list[widgets.Widget],
                 write: Callable[[Any], None] | None = None) -> None:
        self.qid, self.kind, self.number = qid, kind, number
        self._read, self._write = read, write
        self.watched = watched
        self.feedback = widgets.HTML(value="")
        self.feedback.add_class("kk-live")  # announced to screen readers when it changes
        heading = widgets.HTML(value=f'<p id="kk-{qid}"><strong>Frage {number}</strong><br>'
                               f"{html.escape(prompt)}</p>")
        self.check_button = widgets.Button(description="Prüfen",
                                           tooltip="Diese Antwort jetzt prüfen lassen")
        self.check_button.on_click(lambda _button: self.check())
        controls = [] if kind == "free_text" else [self.check_button]
        self.box = widgets.VBox([heading, inputs, *controls, self.feedback])
        self.box.add_class("kurskit-question")

    def answer(self) -> Any:
        return self._read()

    def restore(self, value: Any) -> None:
        """Put a saved draft answer back into the widgets (ignores what no longer fits)."""
        if self._write is not None and value is not None:
            with contextlib.suppress(Exception):
                self._write(value)

    def allow_checks(self, left: int | None) -> None:
        """None: not known yet (service unreachable); the service has the last word."""
        if left is None:
            self.check_button.description = "Prüfen"
            return
        self.check_button.disabled = left <= 0
        self.check_button.description = checks_label(left)

    def check(self) -> None:
        """„Prüfen“: the grading side checks this one answer; the key never comes here."""
        answer = self.answer()
        if answer is None:
            self.feedback.value = "<p><em>Bitte antworten Sie zuerst.</em></p>"
            return
        self.check_button.disabled = True
        try:
            result = service_request(
                "POST", f"/modules/{PAGE.module_id}/questions/{self.qid}/check",
                {"answer": answer}, timeout=30)
        except SubmissionFailed as failure:
            self.feedback.value = (f'<p class="kurskit-feedback-wrong">'
                                   f"{html.escape(str(failure))}</p>")
            self.check_button.disabled = False
            return
        self.show_feedback({**result, "answered": True})
        self.allow_checks(int(result["checks_left"]))

    def answered(self) -> bool:
        value = self.answer()
        return value is not None and value != [] and value != {}

    def show_feedback(self, result: dict[str, Any]) -> None:
        self.feedback.value = question_feedback_html(result)


class _Page:
    SAVE_DELAY = 1.0  # seconds of quiet before a draft is saved

    def __init__(self) -> None:
        self.module_id: str | None = None
        self.questions: dict[str, Question] = {}
        self.listeners: list[Callable[[], None]] = []
        self.draft: dict[str, Any] = {}
        self.checks_left: dict[str, int] | None = None
        self.checks_allowed: int | None = None
        self.saved = widgets.HTML(value="")
        self._timer: threading.Timer | None = None
        self._restoring = False

    def add(self, question: Question) -> Question:
        if question.qid in self.questions:
            raise ValueError(f"question id {question.qid!r} is used twice")
        self._apply_draft(question)
        self.questions[question.qid] = question
        for widget in question.watched:
            widget.observe(lambda _change: self.changed(), names="value")
        return question

    def _apply_draft(self, question: Question) -> None:
        question.restore(self.draft.get(question.qid))
        if self.checks_left is None:
            question.allow_checks(None)
        elif question.qid in self.checks_left:
            question.allow_checks(self.checks_left[question.qid])
        if self.checks_allowed == 0:  # the author switched „Prüfen“ off for this module
            question.check_button.layout.display = "none"

    def load_draft(self) -> None:
        try:
            draft = service_request("GET", f"/modules/{self.module_id}/draft", timeout=5)
            self.draft, self.checks_left = draft["answers"], draft["checks_left"]
            self.checks_allowed = draft["checks_per_question"]
        except (SubmissionFailed, KeyError, TypeError):
            pass  # no service yet: the page works, drafts start when it answers

    def refresh_draft(self) -> None:
        """Load the draft into questions already on the page, without saving it again."""
        self.load_draft()
        self._restoring = True
        try:
            # list(): the page may still be adding questions while Voilà hands it out
            for question in list(self.questions.values()):
                self._apply_draft(question)
        finally:
            self._restoring = False
        for listener in self.listeners:
            listener()

    def changed(self) -> None:
        for listener in self.listeners:
            listener()
        if self._restoring:
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer = threading.Timer(self.SAVE_DELAY, self.save_draft)
        self._timer.daemon = True
        self._timer.start()

    def save_draft(self) -> None:
        """Keep the answers on the grading side, so a reload or a new kernel loses nothing."""
        answers = {qid: q.answer() for qid, q in self.questions.items()}
        try:
            service_request("PUT", f"/modules/{self.module_id}/draft", {"answers": answers},
                            timeout=10)
        except SubmissionFailed:
            self.saved.value = ("<p><em>Zwischenspeichern gerade nicht möglich – Ihre "
                                "Antworten bleiben auf dieser Seite.</em></p>")
        else:
            self.saved.value = (f"<p><em>Zwischengespeichert um "
                                f"{time.strftime('%H:%M')} Uhr.</em></p>")


PAGE = _Page()


def start_module(module_id: str) -> None:
    """Begin a module page (the setup cell)."""
    PAGE.__init__()  # type: ignore[misc]  # a re-run starts a fresh page
    PAGE.module_id = module_id
    if os.environ.get("VOILA_PREHEAT") == "True":
        # a preheated kernel runs the page before its learner arrives, when the draft may
        # still change: the page starts blank and loads it once Voilà hands the kernel out
        threading.Thread(target=_when_handed_out, args=(PAGE.refresh_draft,),
                         daemon=True).start()
    else:
        PAGE.load_draft()
    display(HTML(_CSS))


def _when_handed_out(then: Callable[[], None]) -> None:
    """Wait for Voilà's request info of this kernel, sent when a page takes it from the pool.

    The same websocket as `voila.utils.wait_for_request`, which would cost 46 MB of
    imports in every learner's kernel.
    """
    kernel_id = os.environ.get("VOILA_KERNEL_ID")
    if not kernel_id:
        return
    from websockets.sync.client import connect

    base = os.environ.get("VOILA_WS_BASE_URL", os.environ.get("VOILA_SERVER_URL", "/"))
    url = (f"{os.environ.get('VOILA_WS_PROTOCOL', 'ws')}://"
           f"{os.environ.get('VOILA_APP_IP', '127.0.0.1')}:"
           f"{os.environ.get('VOILA_APP_PORT', '8866')}{base}voila/query/{kernel_id}")
    try:
        with connect(url, open_timeout=10) as websocket:
            websocket.recv()
    except Exception:  # Voilà gone or changed: the page keeps the draft it has
        return
    then()


def _show(qid: str, kind: str, prompt: str, inputs: widgets.Widget, read: Callable[[], Any],
          watched: list[widgets.Widget], write: Callable[[Any], None]) -> None:
    """Number the question, register it on the page (restoring its draft) and display it."""
    question = Question(qid, kind, len(PAGE.questions) + 1, prompt, inputs, read, watched, write)
    display(PAGE.add(question).box)


def _labelled(widget: widgets.Widget, token: str) -> widgets.Widget:
    """Mark a widget as labelled by the element with id kk-<token> (see the Voilà template)."""
    widget.add_class(f"kk-lbl-{token}")
    return widget


def _label(text: str, token: str) -> widgets.HTML:
    return widgets.HTML(value=f'<p id="kk-{token}">{html.escape(text)}</p>')


def _order(items: list[str], shuffle: bool) -> list[str]:
    """The author's order, or a fresh random order for this learner's page."""
    return random.sample(list(items), len(items)) if shuffle else list(items)


def single_choice(qid: str, prompt: str, options: list[str], shuffle: bool = False) -> None:
    radio = widgets.RadioButtons(options=_order(options, shuffle), value=None,
                                 layout=widgets.Layout(width="auto"))
    _labelled(radio, qid)

    def write(value: Any) -> None:
        radio.value = value if value in radio.options else None

    _show(qid, "single_choice", prompt, radio, lambda: radio.value, [radio], write)


def multiple_choice(qid: str, prompt: str, options: list[str], shuffle: bool = False) -> None:
    boxes = [widgets.Checkbox(value=False, description=o, indent=False,
                              layout=widgets.Layout(width="auto"))
             for o in _order(options, shuffle)]
    hint = widgets.HTML(value="<em>Mehrere Antworten können richtig sein.</em>")
    inputs = widgets.VBox([hint, *boxes])
    def write(value: Any) -> None:
        for box in boxes:
            box.value = box.description in value

    _show(qid, "multiple_choice", prompt, inputs,
          lambda: [b.description for b in boxes if b.value] or None, list(boxes), write)


def true_false(qid: str, prompt: str, statements: list[str], shuffle: bool = False) -> None:
    """Each statement judged „richtig“ or „falsch“."""
    rows, radios = [], []
    for number, statement in enumerate(_order(statements, shuffle)):
        radio = widgets.RadioButtons(options=[("richtig", True), ("falsch", False)], value=None,
                                     layout=widgets.Layout(width="auto"))
        radios.append((statement, radio))
        token = f"{qid}-{number}"
        rows.append(widgets.VBox([_label(statement, token), _labelled(radio, token)]))

    def read() -> dict[str, bool] | None:
        judged = {s: r.value for s, r in radios if r.value is not None}
        return judged or None

    def write(value: Any) -> None:
        for statement, radio in radios:
            radio.value = value.get(statement) if value.get(statement) in (True, False) else None

    intro = widgets.HTML(value="<em>Ist die Aussage richtig oder falsch?</em>")
    _show(qid, "true_false", prompt, widgets.VBox([intro, *rows]), read,
          [r for _, r in radios], write)


def matching(qid: str, prompt: str, cases: list[str], categories: list[str],
             shuffle: bool = False) -> None:
    choices = [NOT_CHOSEN, *_order(categories, shuffle)]
    rows, selects = [], []
    for number, case in enumerate(_order(cases, shuffle)):
        select = widgets.Dropdown(options=choices, value=NOT_CHOSEN,
                                  layout=widgets.Layout(width="auto", max_width="100%"))
        selects.append((case, select))
        token = f"{qid}-{number}"
        rows.append(widgets.VBox([_label(case, token), _labelled(select, token)]))

    def read() -> dict[str, str] | None:
        chosen = {case: s.value for case, s in selects if s.value != NOT_CHOSEN}
        return chosen or None

    def write(value: Any) -> None:
        for case, select in selects:
            select.value = value.get(case) if value.get(case) in categories else NOT_CHOSEN

    _show(qid, "matching", prompt, widgets.VBox(rows), read, [s for _, s in selects], write)


def ordering(qid: str, prompt: str, items: list[str]) -> None:
    """Process steps into order: one list per position, each step used once."""
    selects = [widgets.Dropdown(options=[NOT_CHOSEN, *items], value=NOT_CHOSEN,
                                layout=widgets.Layout(width="auto", max_width="100%"))
               for _ in items]
    hint = widgets.HTML(value="")
    rows = [widgets.VBox([_label(f"Schritt {n}", f"{qid}-{n}"), _labelled(s, f"{qid}-{n}")])
            for n, s in enumerate(selects, start=1)]

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

    intro = widgets.HTML(value="<em>Wählen Sie für jede Position den passenden Schritt.</em>")
    _show(qid, "ordering", prompt, widgets.VBox([intro, *rows, hint]), read, list(selects), write)


def numeric(qid: str, prompt: str, unit: str) -> None:
    field = _labelled(widgets.Text(value="", placeholder="Zahl eingeben",
                                   layout=widgets.Layout(width="12em")), qid)
    hint = widgets.HTML(value="")

    def read() -> int | float | None:
        value = parse_number(field.value)
        hint.value = ("<p><em>Bitte geben Sie eine Zahl ein, z. B. 3 oder 2,5.</em></p>"
                      if field.value.strip() and value is None else "")
        return value

    inputs = widgets.VBox([widgets.HBox([field, widgets.HTML(value=html.escape(unit))]), hint])

    def write(value: Any) -> None:
        field.value = num(value)

    _show(qid, "numeric", prompt, inputs, read, [field], write)


def short_text(qid: str, prompt: str) -> None:
    field = _labelled(widgets.Text(value="", placeholder="Ihre Antwort",
                                   layout=widgets.Layout(width="24em", max_width="100%")), qid)

    def read() -> str | None:
        return field.value.strip()[:200] or None

    def write(value: Any) -> None:
        field.value = str(value)

    _show(qid, "short_text", prompt, field, read, [field], write)


def free_text(qid: str, prompt: str) -> None:
    """A longer text (e.g. a reply letter) that a trainer grades in formgrader."""
    area = _labelled(widgets.Textarea(value="", placeholder="Ihr Text",
                                      layout=widgets.Layout(width="100%", height="12em")), qid)
    note = widgets.HTML(value="<p><em>Diese Antwort bewertet eine Trainerin oder ein "
                        "Trainer.</em></p>")

    def read() -> str | None:
        return area.value.strip()[:5000] or None

    def write(value: Any) -> None:
        area.value = str(value)

    _show(qid, "free_text", prompt, widgets.VBox([area, note]), read, [area], write)


def submit_panel() -> None:
    """The "Abgeben" button with progress, status and the result (the module's last cell)."""
    progress = widgets.HTML()
    button = widgets.Button(description="Abgeben", button_style="primary",
                            tooltip="Antworten zur Bewertung abgeben", icon="paper-plane")
    status = widgets.HTML()
    result = widgets.HTML()
    for live in (progress, status, result):
        live.add_class("kk-live")

    def update_progress() -> None:
        done = sum(q.answered() for q in PAGE.questions.values())
        progress.value = f"<p>{done} von {len(PAGE.questions)} Fragen beantwortet.</p>"

    def on_click(_button: widgets.Button) -> None:
        button.disabled = True
        status.value = "<p>Ihre Antworten werden bewertet …</p>"
        result.value = ""
        try:
            answers = {qid: q.answer() for qid, q in PAGE.questions.items()}
            outcome = submit_answers(PAGE.module_id or "", answers, on_wait=lambda: setattr(
                status, "value", f"<p>{html.escape(STILL_GRADING)}</p>"))
        except SubmissionFailed as failure:
            status.value = ('<p class="kurskit-feedback-wrong" role="alert">'
                            f"{html.escape(str(failure))}</p>")
        else:
            status.value = ""
            for item in outcome["questions"]:
                if item["id"] in PAGE.questions:
                    PAGE.questions[item["id"]].show_feedback(item)
            result.value = result_html(outcome)
            button.description = "Erneut abgeben"
        finally:
            button.disabled = False

    button.on_click(on_click)
    PAGE.listeners.append(update_progress)
    update_progress()
    PAGE.saved.value = ("<p><em>Ihre Antworten werden beim Bearbeiten automatisch "
                        "zwischengespeichert.</em></p>")
    display(widgets.VBox([progress, PAGE.saved, button, status, result]))


class SubmissionFailed(Exception):
    """German message for the learner."""


def submit_answers(module_id: str, answers: dict[str, Any], timeout: float = 120,
                   on_wait: Callable[[], None] | None = None, poll: float = 1.0) -> Any:
    outcome = service_request("POST", f"/modules/{module_id}/submissions", {"answers": answers},
                              timeout=timeout)
    # 202: stored, but the grade takes longer than the service waits; ask until it is there
    deadline = time.monotonic() + timeout
    while isinstance(outcome, dict) and outcome.get("status") == "grading":
        if on_wait:
            on_wait()
        if time.monotonic() > deadline:
            raise SubmissionFailed(GRADING_SLOW)
        time.sleep(poll)
        outcome = service_request("GET", f"/modules/{module_id}/submissions/"
                                  f"{int(outcome['attempt'])}")
    return outcome


def service_request(method: str, path: str, body: Any = None, timeout: float = 30) -> Any:
    """Call the grading service; failures become SubmissionFailed with a German message."""
    url = os.environ.get(SERVICE_URL_ENV, DEFAULT_SERVICE_URL).rstrip("/")
    request = urllib.request.Request(
        f"{url}/api/v1{path}",
        data=None if body is None else json.dumps(body).encode("utf-8"),
        headers={"Content-Type": "application/json"}, method=method)
    token = os.environ.get("JUPYTERHUB_API_TOKEN")
    if token:  # a hub deployment: the service verifies this token with the hub
        request.add_header("Authorization", f"token {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        try:
            message = json.loads(error.read().decode("utf-8"))["message_de"]
        except Exception:
            message = refused(error.code)
        raise SubmissionFailed(message) from None
    except (urllib.error.URLError, TimeoutError, OSError):
        raise SubmissionFailed(SERVICE_DOWN) from None

"""The Voilà module page in the learner's kernel: its questions, drafts and „Prüfen“.

The kernel holds the question texts and the learner's answers, never a key: solutions
and explanations stay on the grading side, reached through the one client of the grading
API (`kurskit.portal.client`). A module's setup cell calls `start_module`, each question
cell a widget function of `kurskit.portal.widgets.kinds`, the last cell `submit_panel`.
"""

from __future__ import annotations

import contextlib
import functools
import html
import os
import random
import threading
import time
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
from IPython.display import HTML, display

from kurskit.portal import client
from kurskit.portal.client import ServiceError
from kurskit.portal.feedback import (
    check_feedback_html,
    checks_label,
    question_feedback_html,
)
from kurskit.portal.widgets import control
from kurskit.portal.widgets.shared import collected, make, shared_layout

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
                 write: Callable[[Any], None] | None = None, pool: str | None = None,
                 intro: str = "") -> None:
        self.qid, self.kind, self.number, self.pool = qid, kind, number, pool
        self._read, self._write = read, write
        self.watched = watched
        self.feedback = make(widgets.HTML, value="")
        self.feedback.add_class("kk-live")  # announced to screen readers when it changes
        # the kind's instruction joins the prompt: one model less per question
        heading = make(widgets.HTML, value=f'<p id="kk-{qid}"><strong>Frage {number}</strong>'
                       f"<br>{html.escape(prompt)}</p>"
                       + (f"<p><em>{html.escape(intro)}</em></p>" if intro else ""))
        self.check_button = make(widgets.Button, description="Prüfen",
                                 tooltip="Diese Antwort jetzt prüfen lassen")
        self.check_button.on_click(lambda _button: self.check())
        controls = [] if kind == "free_text" else [self.check_button]
        self.box = make(widgets.VBox, [heading, inputs, *controls, self.feedback])
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
            result = client.call(client.check(PAGE.module_id or "", self.qid, answer))
        except ServiceError as failure:
            self.feedback.value = (f'<p class="kurskit-feedback-wrong">'
                                   f"{html.escape(str(failure))}</p>")
            self.check_button.disabled = False
            return
        self.feedback.value = check_feedback_html(result)
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
        # question pools: the variants the service's draw left out (None: not known yet,
        # the first variant of each pool shows), and each pool's first variant
        self.hidden: frozenset[str] | None = None
        self.first_variant: dict[str, str] = {}
        # only the variant on the page gets widgets (each one costs the page's load time):
        # the others wait as builders, and each pool shows in its own slot, numbered once;
        # a built variant keeps its builder and widgets, to be closed if a new draw replaces it
        self.waiting: dict[str, Callable[[], None]] = {}
        self.built: dict[str, tuple[Callable[[], None], list[widgets.Widget]]] = {}
        self.slots: dict[str, widgets.VBox] = {}
        self.pool_number: dict[str, int] = {}
        self.saved = make(widgets.HTML, value="")
        self._timer: threading.Timer | None = None
        self._restoring = False

    def wanted(self, qid: str, pool: str) -> bool:
        """Build this pool variant now? The drawn one, or the first while the draw is not
        known (no service yet)."""
        if pool not in self.first_variant:
            self.first_variant[pool] = qid
            if self.hidden is None and not self.first_variant.keys() - {pool}:
                self.load_draw()  # once per page; a hand-out asks again
        if self.hidden is None:
            return self.first_variant[pool] == qid
        return qid not in self.hidden

    def build_drawn(self) -> None:
        """Give the variants the draw chose their widgets, each in its pool's slot, and
        close the widgets of variants it left out (the page would still load them)."""
        if self.hidden is None:
            return
        for qid, build in list(self.waiting.items()):
            if qid not in self.hidden:
                del self.waiting[qid]
                build()
        for qid in [qid for qid in self.built if qid in self.hidden]:
            build, made = self.built.pop(qid)
            del self.questions[qid]
            self.waiting[qid] = build
            for widget in made:
                widget.close()

    def add(self, question: Question) -> Question:
        if question.qid in self.questions:
            raise ValueError(f"question id {question.qid!r} is used twice")
        self._apply_draft(question)
        self.questions[question.qid] = question
        for widget in question.watched:
            widget.observe(lambda _change: self.changed(), names="value")
        return question

    def shows(self, question: Question) -> bool:
        """The question is on the learner's page: not a pool variant left out by the draw."""
        if question.pool is None:
            return True
        if self.hidden is None:
            return self.first_variant.get(question.pool) == question.qid
        return question.qid not in self.hidden

    def active(self) -> dict[str, Question]:
        """The questions the learner answers (the drawn variant of each pool)."""
        return {qid: q for qid, q in self.questions.items() if self.shows(q)}

    def load_draw(self) -> None:
        try:
            self.hidden = frozenset(client.call(client.draw(self.module_id or ""))["hidden"])
        except (ServiceError, KeyError, TypeError):
            self.hidden = None  # no service yet: the first variant shows

    def _apply_draft(self, question: Question) -> None:
        question.box.layout = (shared_layout() if self.shows(question)
                               else shared_layout(display="none"))
        question.restore(self.draft.get(question.qid))
        if self.checks_left is None:
            question.allow_checks(None)
        elif question.qid in self.checks_left:
            question.allow_checks(self.checks_left[question.qid])
        if self.checks_allowed == 0:  # the author switched „Prüfen“ off for this module
            question.check_button.layout = shared_layout(display="none")

    def load_draft(self, answers: bool = True) -> None:
        try:
            draft = client.call(client.draft(self.module_id or ""))
            self.draft = draft["answers"] if answers else {}
            self.checks_left = draft["checks_left"]
            self.checks_allowed = draft["checks_per_question"]
        except (ServiceError, KeyError, TypeError):
            pass  # no service yet: the page works, drafts start when it answers

    def refresh_draft(self) -> None:
        """Load the draft into questions already on the page, without saving it again."""
        self.load_draft()
        if self.first_variant:
            self.load_draw()
            self.build_drawn()
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
        answers = {qid: q.answer() for qid, q in self.active().items()}
        try:
            client.call(client.save_draft(self.module_id or "", answers))
        except ServiceError:
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
    control.register()
    if os.environ.get("VOILA_PREHEAT") == "True":
        # a preheated kernel (local deployment: its learner is the deployment's) runs the
        # page before the learner opens it, who may still answer or submit meanwhile: it
        # starts with the draw and the checks left, and loads the answers, the draw and the
        # checks again once Voilà hands the kernel out — then only what changed is sent
        PAGE.load_draft(answers=False)
        threading.Thread(target=_when_handed_out, args=(_on_kernel_loop(PAGE.refresh_draft),),
                         daemon=True).start()
    else:
        PAGE.load_draft()
    display(HTML(_CSS))


def _on_kernel_loop(work: Callable[[], None]) -> Callable[[], None]:
    """`work`, run by the kernel's own event loop (which also answers the page's requests
    for the widgets' state) rather than by the thread that calls it: widgets made or
    changed meanwhile would break that answer."""
    from IPython import get_ipython

    shell = get_ipython()
    loop = getattr(getattr(shell, "kernel", None), "io_loop", None)
    if loop is None:
        return work
    return lambda: loop.add_callback(work)


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


def show(qid: str, kind: str, prompt: str, inputs: widgets.Widget, read: Callable[[], Any],
         watched: list[widgets.Widget], write: Callable[[Any], None],
         pool: str | None = None, intro: str = "") -> None:
    """Number the question, register it on the page (restoring its draft) and display it;
    the variants of a pool share a number (the learner sees the drawn one only)."""
    previous = list(PAGE.questions.values())[-1] if PAGE.questions else None
    number = PAGE.pool_number.get(pool or "") or (previous.number + 1 if previous else 1)
    question = PAGE.add(Question(qid, kind, number, prompt, inputs, read, watched, write, pool,
                                 intro))
    if pool is None:
        display(question.box)
    elif pool in PAGE.slots:  # the variant the draw chose, after the page was made
        PAGE.slots[pool].children = (question.box,)
    else:
        PAGE.pool_number[pool] = number
        PAGE.slots[pool] = make(widgets.VBox, [question.box])
        display(PAGE.slots[pool])


def question_kind(build: Callable[..., None]) -> Callable[..., None]:
    """A question function (`single_choice(qid, …, pool=…)`) that builds a pool variant
    only when it is on the page; a variant left for later builds once the draw is known."""

    @functools.wraps(build)
    def kind(qid: str, *args: Any, **kwargs: Any) -> None:
        pool = kwargs.get("pool")
        if pool is None:
            build(qid, *args, **kwargs)
            return
        again = functools.partial(kind, qid, *args, **kwargs)
        if not PAGE.wanted(qid, pool):
            PAGE.waiting[qid] = again
            return
        with collected() as made:
            build(qid, *args, **kwargs)
        # the pool's slot (made with its first variant) stays for the variants after it
        PAGE.built[qid] = (again, [widget for widget in made if widget is not PAGE.slots[pool]])

    return kind


def labelled(widget: widgets.Widget, token: str) -> widgets.Widget:
    """Mark a widget as labelled by the element with id kk-<token> (see the Voilà template)."""
    widget.add_class(f"kk-lbl-{token}")
    return widget


def label(text: str, token: str) -> widgets.HTML:
    return make(widgets.HTML, value=f'<p id="kk-{token}">{html.escape(text)}</p>')


def order(items: list[str], shuffle: bool) -> list[str]:
    """The author's order, or a fresh random order for this learner's page."""
    return random.sample(list(items), len(items)) if shuffle else list(items)

"""The „Abgeben“ panel of the Voilà view: progress, status, and the result of a submission."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
from IPython.display import display

from kurskit.portal import client
from kurskit.portal.client import ServiceError
from kurskit.portal.feedback import GRADING_SLOW, STILL_GRADING, result_html
from kurskit.portal.widgets.page import PAGE
from kurskit.portal.widgets.shared import make


def submit_panel() -> None:
    """The "Abgeben" button with progress, status and the result (the module's last cell)."""
    progress = make(widgets.HTML)
    # no icon: Font Awesome would come from a CDN (see the Voilà template `kurskit`)
    button = make(widgets.Button, description="Abgeben", button_style="primary",
                  tooltip="Antworten zur Bewertung abgeben")
    status = make(widgets.HTML)
    result = make(widgets.HTML)
    for live in (progress, status, result):
        live.add_class("kk-live")

    def update_progress() -> None:
        active = PAGE.active()
        done = sum(q.answered() for q in active.values())
        progress.value = f"<p>{done} von {len(active)} Fragen beantwortet.</p>"

    def on_click(_button: widgets.Button) -> None:
        button.disabled = True
        status.value = "<p>Ihre Antworten werden bewertet …</p>"
        result.value = ""
        try:
            answers = {qid: q.answer() for qid, q in PAGE.active().items()}
            outcome = submit_answers(PAGE.module_id or "", answers, on_wait=lambda: setattr(
                status, "value", f"<p>{html.escape(STILL_GRADING)}</p>"))
        except ServiceError as failure:
            status.value = ('<p class="kurskit-feedback-wrong" role="alert">'
                            f"{html.escape(str(failure))}</p>")
        else:
            status.value = ""
            for item in outcome["questions"]:
                if item["id"] in PAGE.questions:
                    PAGE.questions[item["id"]].show_feedback(item)
            result.value = result_html(outcome)
            button.description = "Erneut abgeben"
            if PAGE.first_variant:  # the next attempt draws its pool questions anew
                status.value = f"<p>{html.escape(NEW_DRAW_DE)}</p>"
        finally:
            button.disabled = False

    button.on_click(on_click)
    PAGE.listeners.append(update_progress)
    update_progress()
    PAGE.saved.value = ("<p><em>Ihre Antworten werden beim Bearbeiten automatisch "
                        "zwischengespeichert.</em></p>")
    display(make(widgets.VBox, [progress, PAGE.saved, button, status, result]))


NEW_DRAW_DE = ("Für einen weiteren Versuch werden die Fragen neu gezogen: Bitte laden Sie die "
               "Seite neu, bevor Sie erneut abgeben.")


def submit_answers(module_id: str, answers: dict[str, Any], timeout: float = 120,
                   on_wait: Callable[[], None] | None = None, poll: float = 1.0) -> Any:
    """Submit through the grading API and wait for the grade (German ServiceError if not)."""
    outcome = client.call(client.submit(module_id, answers, timeout=timeout, poll=poll),
                          on_pause=on_wait)
    if outcome is None:
        raise ServiceError(202, GRADING_SLOW)
    return outcome

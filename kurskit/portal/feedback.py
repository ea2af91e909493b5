"""German feedback the learner reads: one question's verdict and the result of a submission.

Shared by both module views (the Voilà widgets in the kernel and the HTML module page in
the portal), so the wording and the marks (✓ ✗ ◐ ✎: never colour alone) cannot drift.
Standard library only: it is imported into every learner kernel.
"""

from __future__ import annotations

import html
from typing import Any

from kurskit.portal.numbers import num


def question_feedback_html(result: dict[str, Any]) -> str:
    """One question's verdict from the grading side, with the author's explanation."""
    unit = "Punkt" if result["max_points"] == 1 else "Punkten"
    points = f"{num(result['points'] or 0)} von {num(result['max_points'])} {unit}"
    if result.get("pending"):
        text, css = f"✎ Wird bewertet (bis zu {num(result['max_points'])} {unit}).", ""
    elif result["correct"]:
        text, css = f"✓ Richtig ({points}).", "kurskit-feedback-right"
    elif result.get("points"):
        text, css = f"◐ Teilweise richtig ({points}).", "kurskit-feedback-wrong"
    elif not result["answered"]:
        text, css = f"✗ Nicht beantwortet ({points}).", "kurskit-feedback-wrong"
    else:
        text, css = f"✗ Nicht richtig ({points}).", "kurskit-feedback-wrong"
    return (f'<p class="{css}"><strong>{text}</strong> '
            f'{html.escape(result.get("feedback", ""))}</p>')


def result_html(outcome: dict[str, Any]) -> str:
    """The score of a whole submission."""
    score, max_score = outcome["score"], outcome["max_score"]
    pending = outcome.get("pending_points") or 0
    automatic = max_score - pending
    percent = round(100 * score / automatic) if automatic else 0
    right = sum(1 for q in outcome["questions"] if q["correct"])
    later = (f"<p>{num(pending)} weitere Punkte vergibt eine Trainerin oder ein Trainer "
             "für Ihre Freitext-Antwort.</p>") if pending else ""
    return (
        f'<div class="kurskit-result" role="status">'
        f'<p><strong>Ihr Ergebnis: {num(score)} von {num(automatic)} Punkten '
        f'({percent} %)</strong></p>{later}'
        f'<p>{right} von {len(outcome["questions"])} Fragen richtig. '
        f'Abgabe Nr. {outcome["attempt"]} ist gespeichert. Die Erklärungen stehen bei den '
        f'einzelnen Fragen.</p></div>')


def checks_label(left: int) -> str:
    """The „Prüfen“ button's text once the number of checks left is known."""
    return f"Prüfen (noch {left})" if left > 0 else "Keine Prüfversuche mehr"


STILL_GRADING = ("Ihre Abgabe ist gespeichert und wird gerade bewertet. Das Ergebnis erscheint "
                 "hier gleich; bitte schließen Sie die Seite noch nicht.")
GRADING_SLOW = ("Ihre Abgabe ist gespeichert, die Bewertung dauert aber länger als üblich. "
                "Bitte laden Sie die Seite später neu; Ihr Ergebnis geht nicht verloren.")
SERVICE_DOWN = ("Der Bewertungsdienst ist gerade nicht erreichbar. Ihre Antworten bleiben auf "
                "dieser Seite erhalten; bitte versuchen Sie es gleich noch einmal.")


def refused(status: int) -> str:
    return f"Die Abgabe wurde abgelehnt (Fehler {status})."

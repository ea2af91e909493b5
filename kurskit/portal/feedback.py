"""German feedback the learner reads: one question's verdict and the result of a submission.

Shared by both module views (the Voilà widgets in the kernel and the HTML module page in
the portal), so the wording and the marks (✓ ✗ ◐ ✎: never colour alone) cannot drift.
Standard library only: it is imported into every learner kernel.
"""

from __future__ import annotations

import html
from typing import Any

from kurskit.portal.numbers import num


def check_feedback_html(result: dict[str, Any]) -> str:
    """A „Prüfen“: right or wrong for the whole question, and the author's hint."""
    if result["correct"]:
        return '<p class="kurskit-feedback-right"><strong>✓ Richtig.</strong></p>'
    hint = result.get("hint") or ""
    tip = f" Tipp: {html.escape(hint)}" if hint else ""
    return f'<p class="kurskit-feedback-wrong"><strong>✗ Noch nicht richtig.</strong>{tip}</p>'


def question_feedback_html(result: dict[str, Any]) -> str:
    """One question's verdict from the grading side, with the author's explanation as far
    as the module's review options show it."""
    unit = "Punkt" if result["max_points"] == 1 else "Punkten"
    points = f"{num(result['points'] or 0)} von {num(result['max_points'])} {unit}"
    if result.get("correct") is None and not result.get("pending"):
        text, css = "Ihre Antwort ist gespeichert.", ""
    elif result.get("pending"):
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


def result_html(outcome: dict[str, Any], base_url: str = "/") -> str:
    """The score of a whole submission (and the course's certificate once earned)."""
    score, max_score = outcome["score"], outcome["max_score"]
    pending = outcome.get("pending_points") or 0
    automatic = max_score - pending
    percent = round(100 * score / automatic) if automatic else 0
    right = sum(1 for q in outcome["questions"] if q["correct"])
    later = (f"<p>{num(pending)} weitere Punkte vergibt eine Trainerin oder ein Trainer "
             "für Ihre Freitext-Antwort.</p>") if pending else ""
    review = outcome.get("review") or "full"
    counts = (f'{right} von {len(outcome["questions"])} Fragen richtig. '
              if review != "score" else "")
    explained = (" Die Erklärungen stehen bei den einzelnen Fragen." if review == "full"
                 else "")
    return (
        f'<div class="kurskit-result" role="status">'
        f'<p><strong>Ihr Ergebnis: {num(score)} von {num(automatic)} Punkten '
        f'({percent} %)</strong></p>{later}'
        f'<p>{counts}Abgabe Nr. {outcome["attempt"]} ist gespeichert.{explained}</p>'
        f'{standing_html(outcome)}{certificate_html(outcome, base_url)}</div>')


def certificate_html(outcome: dict[str, Any], base_url: str = "/") -> str:
    code = outcome.get("certificate")
    if not code:
        return ""
    code = html.escape(str(code))
    return (f'<p class="kurskit-certificate"><strong>Sie haben den Kurs bestanden.</strong> '
            f'<a href="{base_url}zertifikate/{code}.pdf">Zertifikat herunterladen (PDF)</a> · '
            f'<a href="{base_url}zertifikat/{code}">Echtheit prüfen</a></p>')


def standing_html(outcome: dict[str, Any]) -> str:
    """Passed or not, and how many attempts remain (when the service says so)."""
    if outcome.get("attempts_allowed") is None:
        return ""
    left = int(outcome.get("attempts_left") or 0)
    mark = f"ab {outcome.get('pass_percent')} %"
    if outcome.get("module_passed"):
        status = f"<strong>Modul bestanden</strong> ({mark})."
    else:
        status = f"Modul noch nicht bestanden (bestanden {mark})."
    remaining = ("Sie haben keinen Versuch mehr." if left == 0 else
                 "Sie haben noch 1 Versuch." if left == 1 else
                 f"Sie haben noch {left} Versuche.")
    return f'<p class="kurskit-standing">{status} {remaining}</p>'


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

"""Interactive elements: widgets that need Python running for the learner.

Each function has the name and arguments authors write in an answer cell (see
`kurskit.authoring.questions`: `phishing_inspector`, `password_lab`, `maturity_check`,
`data_chart`). What the learner does is computed here, in the kernel, and nothing is sent
anywhere but the element's outcome — a literal answer of a plain kind — which goes to the
grading service like every other answer (drafts, „Prüfen“, „Abgeben“). The kernel holds
the material (mails, assumptions, chart values) and never a key.

Accessibility: every control has a visible label it is tied to (`labelled`, see the
Voilà template), buttons say what they do, results land in live regions (`kk-live`), the
chart is an SVG image with title and description plus a table of the same values.
"""

from __future__ import annotations

import html
import math
from typing import Any

import ipywidgets as widgets

from kurskit.portal.numbers import num
from kurskit.portal.widgets.chart import bar_chart
from kurskit.portal.widgets.page import label, labelled, question_kind, show
from kurskit.portal.widgets.shared import make

YEAR = 365.25 * 24 * 3600
CHARACTER_SETS = [("nur Kleinbuchstaben (26 Zeichen)", 26),
                  ("Klein- und Großbuchstaben (52 Zeichen)", 52),
                  ("Buchstaben und Ziffern (62 Zeichen)", 62),
                  ("Buchstaben, Ziffern und Sonderzeichen (etwa 94 Zeichen)", 94)]
YES_NO = [("ja", True), ("nein", False)]


def _live(value: str = "") -> widgets.HTML:
    area = make(widgets.HTML, value=value)
    area.add_class("kk-live")
    return area


@question_kind
def phishing_inspector(qid: str, prompt: str, options: list[str],
                       mails: list[dict[str, Any]], pool: str | None = None) -> None:
    """Mails to inspect: the sender's address and each link's real target on request (the
    button's tooltip shows it on hover), attachments by name; check boxes mark features."""
    boxes: dict[str, widgets.Checkbox] = {}
    panes = []
    for number, mail in enumerate(mails, start=1):
        header = make(widgets.HTML, value=(
            f'<p id="kk-{qid}-mail{number}"><strong>Mail {number}</strong></p>'
            f"<p>Von: {html.escape(mail['absender'])}<br>"
            f"Betreff: {html.escape(mail['betreff'])}</p>"
            f"<p>{html.escape(mail['text'])}</p>"))
        revealed = _live()
        sender = make(widgets.Button, description="Absenderadresse zeigen",
                                      tooltip=f"Absenderadresse: {mail['adresse']}")
        sender.on_click(lambda _b, m=mail, out=revealed: setattr(
            out, "value", f"<p>Absenderadresse: <code>{html.escape(m['adresse'])}</code></p>"))
        links = []
        for text, target in mail["links"]:
            link = make(widgets.Button, description=f"Link: {text}", tooltip=f"Ziel: {target}")
            link.on_click(lambda _b, t=text, z=target, out=revealed: setattr(
                out, "value", f"<p>Der Link „{html.escape(t)}“ führt zu: "
                              f"<code>{html.escape(z)}</code></p>"))
            links.append(link)
        attachment = make(widgets.HTML, value=(
            f"<p>Anhang: <code>{html.escape(mail['anhang'])}</code></p>" if mail["anhang"]
            else "<p>Kein Anhang.</p>"))
        marks = [make(widgets.Checkbox, value=False, description=o, indent=False,
                                        layout=dict(width="auto"))
                 for o in mail["merkmale"]]
        boxes.update({box.description: box for box in marks})
        question = make(widgets.HTML, value=f"<p><em>Was ist an Mail {number} verdächtig? "
                                      "Markieren Sie alles Verdächtige.</em></p>")
        pane = make(widgets.VBox, [header, make(widgets.HBox, [sender, *links]), revealed,
                                   attachment, question, *marks])
        pane.add_class("kk-mail")
        panes.append(pane)
    hint = make(widgets.HTML, value="<p><em>Zeigen Sie mit der Maus auf eine Schaltfläche oder "
                              "wählen Sie sie mit der Tastatur aus, um Absenderadresse und "
                              "Link-Ziel zu sehen. Es wird nichts geöffnet.</em></p>")

    def read() -> list[str] | None:
        return [o for o in options if boxes[o].value] or None

    def write(value: Any) -> None:
        for option, box in boxes.items():
            box.value = option in value

    show(qid, "phishing_inspector", prompt, make(widgets.VBox, [hint, *panes]), read,
         list(boxes.values()), write, pool)


def brute_force_years(length: int, characters: int, guesses_per_second: float) -> float:
    """Years to try every password of `length` from `characters` symbols."""
    return float(characters) ** length / guesses_per_second / YEAR


@question_kind
def password_lab(qid: str, prompt: str, unit: str, annahmen: dict[str, Any],
                 pool: str | None = None) -> None:
    """Length, character set and reuse: the risk computed here, nothing sent anywhere."""
    rate = float(annahmen["versuche_pro_sekunde"])
    length = labelled(make(widgets.BoundedIntText, value=8, min=4, max=64, step=1,
                                                   layout=dict(width="8em")), f"{qid}-laenge")
    charset = labelled(make(widgets.Dropdown, options=CHARACTER_SETS, value=26,
                                              layout=dict(width="auto")), f"{qid}-zeichen")
    reused = make(widgets.Checkbox, value=False, indent=False, layout=dict(width="auto"),
                                    description="Dieses Passwort nutze ich auch für andere Konten")
    passkey = make(widgets.Checkbox, value=False, indent=False, layout=dict(width="auto"),
                                     description="Statt des Passworts einen Passkey verwenden")
    result = _live()
    taken = _live()
    take = make(widgets.Button, description="Diese Länge als Antwort übernehmen",
                                tooltip="Die eingestellte Länge wird Ihre Antwort")
    answer: dict[str, int | None] = {"value": None}

    def update(_change: Any = None) -> None:
        result.value = _risk_html(int(length.value or 4), int(charset.value), rate,
                                  reused.value, passkey.value)

    def write(value: Any) -> None:
        answer["value"] = int(value) if isinstance(value, int | float) else None
        taken.value = (f"<p>Ihre Antwort: <strong>{num(answer['value'])} {html.escape(unit)}"
                       "</strong></p>" if answer["value"] is not None else "")

    # the page watches `taken`: the answer changes when it does
    take.on_click(lambda _button: write(int(length.value)))
    for control in (length, charset, reused, passkey):
        control.observe(update, names="value")
    update()
    inputs = make(widgets.VBox, [
        label("Länge des Passworts (Zeichen)", f"{qid}-laenge"), length,
        label("Zeichenarten", f"{qid}-zeichen"), charset, reused, passkey, result, take, taken])
    show(qid, "password_lab", prompt, inputs, lambda: answer["value"], [taken], write, pool)


def _risk_html(length: int, characters: int, rate: float, reused: bool, passkey: bool) -> str:
    if passkey:
        return ("<p><strong>Passkey:</strong> Es gibt kein Passwort, das jemand erraten, "
                "an anderer Stelle erbeuten oder auf einer gefälschten Seite abfragen kann. "
                "Der geheime Schlüssel bleibt auf Ihrem Gerät.</p>")
    combinations = math.log10(characters) * length
    years = brute_force_years(length, characters, rate)
    duration = ("mehr als eine Billiarde Jahre" if years >= 1e15 else
                f"etwa {_german_amount(years)} Jahre" if years >= 1 else
                f"etwa {_german_amount(years * 365.25 * 24)} Stunden" if years * 365.25 >= 1 / 24
                else "weniger als eine Stunde")
    text = (f"<p>{characters} Zeichen, {length} Stellen: rund 10 hoch {int(combinations)} "
            f"mögliche Passwörter. Alle durchzuprobieren dauert bei "
            f"{_german_amount(rate)} Versuchen pro Sekunde <strong>{duration}</strong>.</p>")
    if reused:
        text += ("<p><strong>Achtung, Wiederverwendung:</strong> Wird einer der anderen Dienste "
                 "gehackt, probieren Angreifer die erbeuteten Zugangsdaten überall aus. Dann "
                 "schützt auch ein langes Passwort nicht – das Konto ist sofort gefährdet.</p>")
    return text


def _german_amount(value: float) -> str:
    if value >= 1e12:
        return f"{num(round(value / 1e12, 1))} Billionen"
    if value >= 1e9:
        return f"{num(round(value / 1e9, 1))} Milliarden"
    if value >= 1e6:
        return f"{num(round(value / 1e6, 1))} Millionen"
    return f"{round(value):,}".replace(",", ".") if value >= 1 else num(round(value, 2))


@question_kind
def maturity_check(qid: str, prompt: str, options: list[str], fragen: list[str],
                   erklaerungen: list[str], pool: str | None = None) -> None:
    """A ladder of yes/no questions: the example case (the answer), then the learner's own
    service (for them only: neither saved nor graded)."""
    case, case_result, case_outcome, set_case = _ladder(f"{qid}-fall", options, fragen,
                                                        erklaerungen)
    own_name = labelled(make(widgets.Text, value="", placeholder="z. B. Hundesteuer anmelden",
                                           layout=dict(width="24em", max_width="100%")),
                        f"{qid}-eigene")
    own, own_result, _, _ = _ladder(f"{qid}-eigen", options, fragen, erklaerungen)
    inputs = make(widgets.VBox, [
        make(widgets.HTML, value="<p><strong>Der Fall aus dem Text</strong> (wird bewertet)</p>"),
        *case, case_result,
        make(widgets.HTML, value="<p><strong>Eine Leistung Ihrer Kommune</strong> (nur für Sie: "
                           "wird weder gespeichert noch bewertet)</p>"),
        label("Welche Leistung prüfen Sie?", f"{qid}-eigene"), own_name, *own, own_result])
    radios = [row.children[1] for row in case]
    show(qid, "maturity_check", prompt, inputs, case_outcome, radios, set_case, pool)


def _ladder(token: str, options: list[str], questions: list[str],
            explanations: list[str]) -> tuple[list[widgets.VBox], widgets.HTML, Any, Any]:
    radios = [labelled(make(widgets.RadioButtons, options=YES_NO, value=None,
                                                  layout=dict(width="auto")),
                       f"{token}-{n}") for n in range(len(questions))]
    rows = [make(widgets.VBox, [label(f"{n}. {text}", f"{token}-{n - 1}"), radio])
            for n, (text, radio) in enumerate(zip(questions, radios, strict=True), start=1)]
    result = _live()

    def outcome() -> str | None:
        for number, radio in enumerate(radios):
            if radio.value is None:
                return None
            if radio.value is False:
                return options[number]
        return options[-1]

    def update(_change: Any = None) -> None:
        reached = outcome()
        result.value = ("<p><em>Beantworten Sie die Fragen der Reihe nach.</em></p>"
                        if reached is None else
                        f"<p>Ergebnis: <strong>{html.escape(reached)}</strong><br>"
                        f"{html.escape(explanations[options.index(reached)])}</p>")

    def write(value: Any) -> None:
        if value in options:
            stop = options.index(value)
            for number, radio in enumerate(radios):
                radio.value = True if number < stop else (False if number == stop else None)

    for radio in radios:
        radio.observe(update, names="value")
    update()
    return rows, result, outcome, write


@question_kind
def data_chart(qid: str, prompt: str, options: list[str], werte: dict[str, Any],
               beschriftung: dict[str, str], pool: str | None = None) -> None:
    """A bar per option, two filters, a table of the same values; the learner marks a bar."""
    first = labelled(make(widgets.Dropdown, options=list(werte), layout=dict(
        width="auto")), f"{qid}-filter1")
    second = labelled(make(widgets.Dropdown, options=list(werte[first.value]), layout=dict(
        width="auto")), f"{qid}-filter2")
    marked = labelled(make(widgets.RadioButtons, options=options, value=None,
                                                 layout=dict(width="auto")), f"{qid}-balken")
    chart = make(widgets.HTML)

    def draw(_change: Any = None) -> None:
        if second.value not in werte[first.value]:
            second.options = list(werte[first.value])
            return  # the options change sets a value, which draws again
        title = f"{beschriftung['titel']}: {first.value}, {second.value}"
        chart.value = bar_chart(qid, title, beschriftung["einheit"], options,
                                werte[first.value][second.value], marked.value)

    for control in (first, second, marked):
        control.observe(draw, names="value")
    draw()

    def write(value: Any) -> None:
        marked.value = value if value in options else None

    inputs = make(widgets.VBox, [
        label(beschriftung["filter1"], f"{qid}-filter1"), first,
        label(beschriftung["filter2"], f"{qid}-filter2"), second, chart,
        label("Markieren Sie einen Balken", f"{qid}-balken"), marked])
    show(qid, "data_chart", prompt, inputs, lambda: marked.value, [marked], write, pool)

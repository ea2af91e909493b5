"""The page „Fortschritt“: the aggregates of `kurskit report` as charts and tables.

Reads only the aggregates file (never the gradebook), so the site cannot show more than
the report publishes. Each chart is followed by a table with the same numbers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kurskit.handbook.charts import Series, bar_chart
from kurskit.reporting import mandatory

PAGE = "fortschritt.md"
WITHHELD = "weniger als 5"


def progress_files(report_path: Path) -> dict[str, str]:
    """fortschritt.md and its charts (file path in the site → content)."""
    try:
        report = json.loads(report_path.read_text("utf-8"))
    except FileNotFoundError:
        return {PAGE: no_report_page()}
    except (OSError, ValueError) as error:
        raise ValueError(f"cannot read the progress report {report_path}: {error}") from error
    return progress_page(report)


def no_report_page() -> str:
    return "\n".join([
        "# Fortschritt", "",
        "Es liegt noch keine Auswertung vor. Sobald Lernende Module abgegeben haben, erstellt "
        "die Trainerin oder der Trainer sie mit `kurskit report` (oder `kurskit build`); "
        "dann steht hier, wie weit die Organisation ist – nur als Gesamtzahlen, ohne "
        "Angaben zu einzelnen Personen.", ""])


def _number(value: Any) -> str:
    return WITHHELD if value is None else str(value)


def _percent(value: Any, withheld: bool) -> str:
    if withheld:
        return WITHHELD
    return "–" if value is None else f"{value:.1f} %".replace(".", ",")


def _date(iso: str) -> str:
    year, month, day = iso[:10].split("-")
    return f"{int(day)}.{int(month)}.{year}"


def progress_page(report: dict[str, Any]) -> dict[str, str]:
    files: dict[str, str] = {}
    totals, courses = report["totals"], report["courses"]
    minimum = report["min_group"]
    thresholds = sorted({c["pass_percent"] for c in courses})
    threshold = (f"{thresholds[0]} %" if len(thresholds) == 1
                 else "dem Wert des Kurses (siehe Kursseite)")
    lines = [
        "# Fortschritt", "",
        "Wie weit ist die Organisation mit ihrer Qualifizierung? Die Zahlen stammen aus dem "
        f"Bewertungssystem der Kurse (Stand: {_date(report['generated'])}).", "",
        '!!! info "Datenschutz: nur Gesamtzahlen"',
        "    Diese Seite zeigt nur zusammengefasste Zahlen, nie einzelne Personen. Zu einer "
        f"Gruppe von weniger als {minimum} Lernenden steht hier keine Zahl, sondern "
        f"„{WITHHELD}“. Solche Module zählen deshalb auch in den Kurs- und Gesamtzahlen nicht "
        f"mit, und Kalenderwochen sind zu Zeiträumen mit mindestens {minimum} Lernenden "
        "zusammengefasst – so lässt sich keine kleine Gruppe herausrechnen.", "",
        *_counting_note(report, threshold),
        *mandatory.section(report.get("mandatory") or [], WITHHELD, minimum)]
    if not totals["learners"] and not any(c["suppressed"] for c in courses):
        lines += ["Noch hat niemand ein Modul abgegeben.", ""]
        files[PAGE] = "\n".join(lines)
        return files
    lines += ["## Überblick", "",
              f"- **Lernende mit mindestens einer Abgabe:** {totals['learners']}",
              f"- **Abgaben:** {totals['submissions']}",
              f"- **Bestandene Module:** {totals['passed_modules']}",
              f"- **Durchschnittliche Punktzahl:** {_percent(totals['average_percent'], False)}",
              ""]

    titles = [c["title"] for c in courses]
    files["fortschritt/kurse.svg"] = bar_chart(
        "Lernende und Kursabschlüsse je Kurs",
        "Balkendiagramm: für jeden Kurs die Zahl der Lernenden mit mindestens einer Abgabe "
        "und die Zahl der Lernenden, die alle Module bestanden haben.",
        titles, [Series("Lernende", [c["learners"] for c in courses]),
                 Series("Kurs abgeschlossen", [c["completed"] for c in courses])],
        horizontal=True)
    lines += ["## Kurse", "",
              "![Balkendiagramm: Lernende und Kursabschlüsse je Kurs. Die Zahlen stehen in der "
              "Tabelle darunter.](fortschritt/kurse.svg)", "",
              "| Kurs | Lernende | Kurs abgeschlossen | Bestandene Module | Durchschnitt |",
              "| --- | ---: | ---: | ---: | ---: |"]
    for course in courses:
        lines.append(f"| [{course['title']}](kurse/{course['id']}.md) | "
                     f"{_number(course['learners'])} | {_number(course['completed'])} | "
                     f"{_number(course['passed_modules'])} | "
                     f"{_percent(course['average_percent'], course['suppressed'])} |")
    notes = [c for c in courses if c["withheld_modules"]]
    if notes:
        lines += ["", f"Ohne Module mit weniger als {minimum} Lernenden gezählt: "
                  + "; ".join(f"{c['title']} (ohne {', '.join(c['withheld_modules'])})"
                              for c in notes)
                  + ". Bei diesen Kursen steht „Kurs abgeschlossen“ deshalb nicht fest."]
    lines.append("")

    if totals["periods"]:
        files["fortschritt/verlauf.svg"] = _period_chart(
            "Verlauf: Lernende und bestandene Module je Zeitraum", totals["periods"],
            "passed_modules", "bestandene Module")
        lines += ["## Verlauf", "",
                  "![Säulendiagramm: Lernende mit Abgabe und bestandene Module je Zeitraum. Die "
                  "Zahlen stehen in der Tabelle darunter.](fortschritt/verlauf.svg)", "",
                  *_period_table(totals["periods"], "passed_modules", "Bestandene Module"), ""]

    for course in courses:
        lines += _course_section(course, files, minimum)
    files[PAGE] = "\n".join(lines)
    return files



def _counting_note(report: dict[str, Any], threshold: str) -> list[str]:
    """How the page counts: the same basis for learners and passes, closed weeks only."""
    return [
        '!!! note "So wird gezählt"',
        "    - **Gestartet:** mindestens eine Abgabe im Modul.",
        f"    - **Bestanden:** ein Modul ab {threshold} seiner Punkte. Es zählt der aktuelle "
        "Stand im Bewertungssystem: die letzte Abgabe, mit den Bewertungen der Trainerinnen "
        "und Trainer. Freitext-Antworten zählen, sobald sie bewertet sind.",
        "    - **Durchschnitt:** mittlere Punktzahl der Abgaben, in Prozent der erreichbaren "
        "Punkte.",
        "    - **Kurs abgeschlossen:** alle Module des Kurses bestanden.",
        "    - **Zeiträume:** Jede Person zählt in dem Zeitraum, in dem sie ihre aktuell "
        "bewertete Abgabe eingereicht hat – bei „Lernende“ und „bestanden“ gleich, also "
        "beschreiben beide Zahlen dieselben Personen. „Abgaben“ zählt alle Versuche im "
        "Zeitraum.",
        "    - **Nur abgeschlossene Wochen:** Abgaben der laufenden Kalenderwoche zählen erst "
        "im nächsten Bericht nach dem Ende der Woche"
        + (f" (dieser Bericht: bis {_date(report['closed_until'])})"
           if report.get("closed_until") else "") + ".", ""]


def _period_chart(title: str, periods: list[dict[str, Any]], key: str, label: str) -> str:
    return bar_chart(
        title, f"Säulendiagramm: je Zeitraum (Kalenderwochen) die Zahl der Lernenden mit "
        f"Abgabe und die Zahl der {label}.",
        [p["label"] for p in periods],
        [Series("Lernende mit Abgabe", [p["learners"] for p in periods]),
         Series(label, [p[key] for p in periods])])


def _period_table(periods: list[dict[str, Any]], key: str, label: str) -> list[str]:
    rows = ["| Zeitraum | von | bis | Lernende mit Abgabe | Abgaben | " + label + " |",
            "| --- | --- | --- | ---: | ---: | ---: |"]
    rows += [f"| {p['label']} | {_date(p['from'])} | {_date(p['to'])} | {p['learners']} | "
             f"{p['submissions']} | {p[key]} |" for p in periods]
    return rows


def _course_section(course: dict[str, Any], files: dict[str, str], minimum: int) -> list[str]:
    modules = course["modules"]
    chart = f"fortschritt/{course['id']}.svg"
    files[chart] = bar_chart(
        f"{course['title']}: gestartet und bestanden je Modul",
        "Balkendiagramm: für jedes Modul die Zahl der Lernenden, die es begonnen und die es "
        f"bestanden haben; Module mit weniger als {minimum} Lernenden ohne Zahlen.",
        [m["title"] for m in modules],
        [Series("gestartet", [m["learners"] for m in modules]),
         Series("bestanden", [m["passed"] for m in modules])], horizontal=True)
    lines = [f"## {course['title']}", "",
             f"Bestanden ab {course['pass_percent']} % der Punkte eines Moduls.", "",
             f"![Balkendiagramm: gestartet und bestanden je Modul im Kurs {course['title']}. Die "
             f"Zahlen stehen in der Tabelle darunter.]({chart})", "",
             "| Modul | Gestartet | Bestanden | Durchschnitt | Abgaben |",
             "| --- | ---: | ---: | ---: | ---: |"]
    for module in modules:
        lines.append(f"| {module['title']} | {_number(module['learners'])} | "
                     f"{_number(module['passed'])} | "
                     f"{_percent(module['average_percent'], module['suppressed'])} | "
                     f"{_number(module['submissions'])} |")
    if any(m["suppressed"] for m in modules):
        lines += ["", f"„{WITHHELD}“: Das Modul haben weniger als {minimum} Lernende "
                  "bearbeitet. Zum Schutz ihrer Daten zeigt das Handbuch dazu keine Zahlen."]
    with_series = [m for m in modules if m["periods"]]
    if course["periods"] or with_series:
        lines += ["", f"### Verlauf im Kurs {course['title']}", ""]
        if course["periods"]:
            lines += _period_table(course["periods"], "passed_modules", "Bestandene Module")
        for module in with_series:
            lines += ["", f"**{module['title']}**", "",
                      *_period_table(module["periods"], "passed", "Bestanden")]
    return [*lines, ""]

"""The handbook's data-protection pages, generated from the registry (`datenschutz.yml`).

- `datenschutz/verzeichnis.md`: kurskit's entry for the Verzeichnis von
  Verarbeitungstätigkeiten (Art. 30 Abs. 1 DSGVO), one row per data type;
- `datenschutz/personalrat.md`: for the Personalrat — what managers see and what not, and
  a clearly marked template for a Dienstvereinbarung.
Nothing here is a second list: every data type, purpose, legal basis and retention comes
from the registry.
"""

from __future__ import annotations

from kurskit.privacy.registry import DataType, Registry
from kurskit.reporting.progress import MIN_GROUP

REGISTER_PAGE = "datenschutz/verzeichnis.md"
COUNCIL_PAGE = "datenschutz/personalrat.md"


def _cell(text: str) -> str:
    return text.replace("|", "/").replace("\n", " ")


def _sources(registry: Registry, data_type: DataType) -> str:
    sources = registry.sources()
    return "; ".join(sources[s]["zitat"] + ("" if sources[s]["geprueft"] else " (zu bestätigen)")
                     for s in data_type.fields["rechtsgrundlagen"])


def register_page(registry: Registry) -> str:
    data = registry.data
    lines = [
        "# Verzeichnis von Verarbeitungstätigkeiten", "",
        "Der Eintrag der Lernplattform kurskit für das Verzeichnis von "
        "Verarbeitungstätigkeiten der Kommune (Art. 30 Abs. 1 DSGVO). Er wird aus der "
        "Datei `kurskit/privacy/datenschutz.yml` erzeugt – derselben Liste, nach der kurskit "
        "Auskunft gibt, löscht und Fristen anwendet.", "",
        '!!! warning "Vom Betreiber zu ergänzen und zu bestätigen"',
        "    Die Angaben in eckigen Klammern trägt die Kommune ein. Die Rechtsgrundlagen "
        "sind ein Vorschlag der Entwicklung, keine Rechtsberatung: Die oder der "
        "Datenschutzbeauftragte muss sie bestätigen, besonders die als „zu bestätigen“ "
        "markierten.", "",
        "## Allgemeine Angaben", "",
        f"- **Verantwortlicher:** {data['verantwortlicher']}",
        f"- **Datenschutzbeauftragte:** {data['datenschutzbeauftragte']}",
        "- **Bezeichnung der Verarbeitung:** Qualifizierung der Beschäftigten mit der "
        "Lernplattform kurskit (Kurse, Bewertung, Nachweise)",
        "- **Betroffene Personen:** Beschäftigte der Kommune, die an Kursen teilnehmen; "
        "Trainerinnen und Trainer (im Protokoll)",
        "- **Empfänger:** siehe Spalte „Sichtbar für“; Führungskräfte erhalten nur "
        f"Summen über mindestens {MIN_GROUP} Personen",
        "- **Übermittlung in Drittländer:** keine, wenn kurskit auf Servern der Kommune "
        "oder ihres IT-Dienstleisters in der EU betrieben wird [vom Betreiber zu bestätigen]",
        "- **Technische und organisatorische Maßnahmen (Art. 32 DSGVO):** Anmeldung über den "
        "Hub der Kommune; Lernende sehen nur ihre eigenen Daten; Lösungen liegen nur auf der "
        "Bewertungsseite; Berichte enthalten keine Namen und keine Gruppe unter "
        f"{MIN_GROUP}; Protokoll aller Auskünfte, Löschungen, Neubewertungen und Exporte; "
        "Löschfristen werden täglich angewendet (`kurskit privacy retention`)", "",
        "## Datenarten", "",
        "| Datenart | Daten | Zweck | Rechtsgrundlage | Sichtbar für | Nicht sichtbar für "
        "| Aufbewahrung | Speicherort |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for t in registry.types.values():
        f = t.fields
        name = t.name + (" (geplant)" if t.planned else "")
        lines.append("| " + " | ".join(_cell(x) for x in (
            name, f["daten"], f["zweck"], _sources(registry, t), ", ".join(f["sichtbar_fuer"]),
            ", ".join(f["nicht_sichtbar_fuer"]) or "–", f["aufbewahrung"]["text"],
            "; ".join(f"`{s}`" for s in f["speicherort"]) or "–")) + " |")
    lines += ["", "## Rechtsgrundlagen und ihr Prüfstand", ""]
    for source in data["rechtsquellen"]:
        state = ("gefunden in der genannten Quelle" if source["geprueft"]
                 else "**zu bestätigen** durch die oder den Datenschutzbeauftragten")
        link = f" – [Quelle]({source['quelle']})" if source.get("quelle") else ""
        lines.append(f"- **{source['zitat']}** ({source['titel']}): {state}{link}."
                     + (f" {source['hinweis']}" if source.get("hinweis") else ""))
    lines += ["", "## Rechte der Beschäftigten", "",
              "- **Auskunft und Kopie (Art. 15, 20 DSGVO):** `kurskit privacy export "
              "KENNUNG --output auskunft.zip` – alle Daten als JSON und als lesbare "
              "Übersicht.",
              "- **Löschung (Art. 17 DSGVO):** `kurskit privacy erase KENNUNG --yes`; "
              "ohne `--yes` zeigt der Befehl nur, was gelöscht würde.", ""]
    return "\n".join(lines)


def council_page(registry: Registry) -> str:
    """For the Personalrat: what managers see and what not, and a Dienstvereinbarung."""
    hidden = [t.name for t in registry.types.values() if not t.planned
              and any("Führungskräfte" in v for v in t.fields["nicht_sichtbar_fuer"])]
    sources = registry.sources()
    lpvg = sources["lpvg-75"]
    lines = [
        "# Für den Personalrat: Was Führungskräfte sehen und was nicht", "",
        "kurskit ist eine technische Einrichtung, die Daten über das Lernen der Beschäftigten "
        "speichert. Solche Einrichtungen, die geeignet sind, das Verhalten oder die Leistung "
        f"der Beschäftigten zu überwachen, unterliegen der Mitbestimmung des Personalrats "
        f"({lpvg['zitat']}"
        + ("" if lpvg["geprueft"] else "; Absatz und Nummer vom Personalrat zu bestätigen")
        + "). kurskit ist so gebaut, dass es kein Werkzeug zur Leistungskontrolle ist.", "",
        "## Was Führungskräfte sehen", "",
        "- den Kurskatalog, die Lernziele und die Lerntexte;",
        "- die Seite „Fortschritt“: nur **Summen** je Kurs und Modul (gestartet, bestanden, "
        f"Durchschnitt) über **mindestens {MIN_GROUP} Personen**; kleinere Gruppen erscheinen "
        "als „weniger als 5“ und zählen auch in Summen nicht mit, damit sie sich nicht "
        "herausrechnen lassen;",
        f"- Zeiträume aus Kalenderwochen mit jeweils mindestens {MIN_GROUP} Personen; jede "
        "Person zählt in genau einem Zeitraum je Modul, „Lernende“ und „bestanden“ "
        "beschreiben dieselben Personen;",
        "- nur **abgeschlossene** Kalenderwochen: Abgaben der laufenden Woche erscheinen erst "
        "im Bericht nach ihrem Ende.", "",
        "## Was Führungskräfte nicht sehen", ""]
    lines += [f"- {name}" for name in hidden]
    lines += [
        "- wer einen Kurs begonnen, bestanden oder nicht bestanden hat, wie oft jemand es "
        "versucht hat, wann und wie lange jemand gelernt hat.", "",
        "Einzelne Ergebnisse sehen nur die lernende Person selbst und die Trainerinnen und "
        "Trainer (für Bewertung und Rückmeldung). Das Personalamt erhält auf Anforderung "
        "eine Liste mit Name, Kurs, Status und Datum (`kurskit export --format csv`), zum "
        "Beispiel für den Nachweis einer Pflichtfortbildung – nicht mehr.", "",
        '!!! note "Grenze der Summen"',
        "    Wer zwei aufeinanderfolgende Berichte vergleicht, sieht, was eine abgeschlossene "
        f"Woche hinzugefügt hat. Weil Zeiträume mindestens {MIN_GROUP} Personen umfassen und "
        "sich Berichte nur wochenweise ändern, ist das begrenzt, aber nicht ausgeschlossen. "
        "Die Dienstvereinbarung verbietet deshalb solche Auswertungen.", "",
        "## Muster einer Dienstvereinbarung", "",
        '!!! warning "Muster – keine Rechtsberatung"',
        "    Der folgende Text ist eine **Vorlage** zur Beratung zwischen Dienststelle und "
        "Personalrat. Alles in eckigen Klammern ist auszufüllen; der Text ist mit der oder dem "
        "Datenschutzbeauftragten abzustimmen.", "",
        "**Dienstvereinbarung über den Einsatz der Lernplattform kurskit**", "",
        "zwischen [Dienststelle] und dem Personalrat bei [Dienststelle]", "",
        "1. **Gegenstand.** Diese Vereinbarung regelt den Einsatz der Lernplattform kurskit "
        "zur Fortbildung der Beschäftigten ab [Datum].",
        "2. **Zweck.** kurskit dient ausschließlich der Fortbildung und dem Nachweis "
        "absolvierter Kurse. Eine Verhaltens- oder Leistungskontrolle ist ausgeschlossen.",
        "3. **Daten.** Gespeichert werden nur die Datenarten des Verzeichnisses von "
        "Verarbeitungstätigkeiten (Anlage 1) mit den dort genannten Fristen.",
        f"4. **Führungskräfte** erhalten nur Summen über mindestens {MIN_GROUP} Personen. "
        "Auswertungen über einzelne Beschäftigte, auch durch Vergleich mehrerer Berichte, "
        "sind unzulässig.",
        "5. **Personalamt.** Es erhält [nur auf Anforderung / zu Pflichtfortbildungen] Name, "
        "Kurs, Status und Datum. [Weitere Empfänger: keine]",
        "6. **Arbeitsrechtliche Maßnahmen** dürfen nicht auf Daten aus kurskit gestützt "
        "werden, mit Ausnahme des Nachweises einer Pflichtfortbildung.",
        "7. **Rechte der Beschäftigten.** Auskunft (`kurskit privacy export`) und Löschung "
        "(`kurskit privacy erase`) werden innerhalb eines Monats erfüllt.",
        "8. **Kontrolle.** Der Personalrat kann das Protokoll (Audit-Log) und die "
        "Löschprotokolle [vierteljährlich] einsehen.",
        "9. **Änderungen** an kurskit, die neue Daten erheben oder Führungskräften mehr "
        "zeigen, bedürfen der erneuten Zustimmung des Personalrats.",
        "10. **Laufzeit.** [Inkrafttreten, Kündigungsfrist, Nachwirkung]", "",
        "[Ort, Datum] · [Dienststellenleitung] · [Vorsitz des Personalrats]", ""]
    return "\n".join(lines)

"""The German overview (`uebersicht.html`) of an Auskunft: data.json, readable in a browser."""

from __future__ import annotations

import json
from html import escape
from typing import Any

STYLE = ("body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
         "color:#1a1a1a;line-height:1.5}table{border-collapse:collapse;margin:1rem 0}"
         "th,td{border:1px solid #555;padding:.3rem .6rem;text-align:left;vertical-align:top}"
         "caption{text-align:left;font-weight:bold}code{white-space:pre-wrap}")


def _table(caption: str, headers: list[str], rows: list[list[Any]]) -> str:
    if not rows:
        return f"<p>{escape(caption)}: keine Einträge.</p>"
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>"
                   for row in rows)
    return (f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    if isinstance(value, (dict, list)):
        return f"<code>{escape(json.dumps(value, ensure_ascii=False, indent=1))}</code>"
    return escape(str(value))


def overview_html(data: dict[str, Any]) -> str:
    """The whole overview as one HTML page (lang="de", tables with captions)."""
    account = data["konto"] or {}
    parts = [
        "<h1>Auskunft über Ihre Daten in kurskit</h1>",
        f"<p>Kennung: <strong>{escape(data['kennung'])}</strong> · erstellt am "
        f"{escape(data['erstellt'])} (UTC). Verantwortlich: "
        f"{escape(data['verantwortlicher'])}. Datenschutzbeauftragte: "
        f"{escape(data['datenschutzbeauftragte'])}.</p>",
        "<p>Dieses Paket enthält alles, was kurskit über Sie speichert (Art. 15 DSGVO), "
        "zusätzlich maschinenlesbar in <code>data.json</code> und die gespeicherten Dateien "
        "im Ordner <code>dateien/</code> (Art. 20 DSGVO).</p>",
        "<h2>Konto</h2>",
        _table("Konto im Notenbuch", ["Feld", "Wert"],
               [[k, v] for k, v in account.items()]) if account
        else "<p>Im Notenbuch ist kein Konto eingetragen.</p>",
        "<h2>Ergebnisse im Notenbuch</h2>",
        _table("Ergebnisse je Modul", ["Modul", "Abgegeben", "Punkte", "von", "Aufgaben",
                                       "Kommentare"],
               [[m["titel"], m["abgegeben"], m["punkte"], m["max_punkte"],
                 {q["aufgabe"]: q["punkte"] for q in m["aufgaben"]}, m["kommentare"] or None]
                for m in data["notenbuch"]]),
        "<h2>Ihre Versuche</h2>",
        _table("Jeder Versuch mit Ihren Antworten", ["Modul", "Versuch", "Abgegeben",
                                                     "Antworten", "Punkte"],
               [[a["titel"], a["versuch"], a["abgegeben"], a["antworten"],
                 (a["ergebnis"] or {}).get("score")] for a in data["versuche"]]),
        "<h2>Entwürfe und „Prüfen“</h2>",
        _table("Entwürfe", ["Modul", "Gespeichert", "Antworten"],
               [[d["titel"], d["gespeichert"], d["antworten"]] for d in data["entwuerfe"]]),
        _table("„Prüfen“ je Frage", ["Modul", "Prüfungen je Frage"],
               [[c["titel"], c["pruefungen_je_frage"]] for c in data["pruefen"]]),
        "<h2>Zertifikate</h2>", f"<p>{escape(data['zertifikate_hinweis'])}</p>",
        _table("Ihre Zertifikate", ["Prüfcode", "Kurs", "Ausgestellt", "Gültig bis", "Status"],
               [[c["pruefcode"], c["kurs"], c["ausgestellt"], c["gueltig_bis"], c["status"]]
                for c in data["zertifikate"]]),
        "<h2>Protokoll</h2>",
        _table("Einträge im Protokoll über Sie", ["Zeit (UTC)", "Wer", "Handlung",
                                                   "Einzelheiten"],
               [[e.get("time"), e.get("actor"), e.get("action"), e.get("details")]
                for e in data["protokoll"]]),
        "<h2>Was kurskit speichert, wozu und wie lange</h2>",
        _table("Datenarten", ["Datenart", "Zweck", "Rechtsgrundlage", "Sichtbar für",
                              "Aufbewahrung"],
               [[t["name"], t["zweck"], ", ".join(t["rechtsgrundlagen"]),
                 ", ".join(t["sichtbar_fuer"]), t["aufbewahrung"]]
                for t in data["datenarten"]]),
        "<h2>Herkunft der Daten</h2>", f"<p>{escape(data['herkunft'])}</p>",
        "<h2>Ihre Rechte</h2>", f"<p>{escape(data['rechte'])}</p>",
    ]
    return ("<!DOCTYPE html>\n<html lang=\"de\"><head><meta charset=\"utf-8\">"
            "<title>Auskunft – kurskit</title>"
            f"<style>{STYLE}</style></head><body><main>{''.join(parts)}</main></body></html>\n")

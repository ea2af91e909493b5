"""The material of interactive elements, checked for authors.

An interactive element is a question whose widget needs a kernel (a mail to inspect, a
calculator, a self-check, a chart with filters); its answer is a literal of a plain kind
(`questions.PhishingInspector` answers like `multiple_choice`, …), so the grading service
validates and grades it like every other question. Its material — mails, assumptions,
questions, chart values — is authored as literal arguments of the call, read with `ast`.
It never holds a key: which features are suspicious, which result is right and why stay
in the hidden test.
"""

from __future__ import annotations

from typing import Any

MAIL_FIELDS = ("absender", "adresse", "betreff", "text", "anhang")
CHART_LABELS = ("titel", "einheit", "filter1", "filter2")


def material_problems(kind: str, choices: dict[str, tuple[str, ...]],
                      data: dict[str, Any]) -> list[str]:
    """What is wrong with an element's material (English, for authors); [] when fine."""
    check = {"phishing_inspector": _mails, "password_lab": _assumptions,
             "maturity_check": _ladder, "data_chart": _chart}[kind]
    return check(choices, data)


def _texts(value: Any, count: int | None = None) -> bool:
    return (isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
            and (count is None or len(value) == count))


def _mails(choices: dict[str, tuple[str, ...]], data: dict[str, Any]) -> list[str]:
    mails = data["mails"]
    if not isinstance(mails, list) or not mails or not all(
            isinstance(m, dict) and all(isinstance(m.get(f), str) for f in MAIL_FIELDS)
            and _texts(m.get("merkmale")) and isinstance(m.get("links"), list)
            and all(_texts(link, 2) for link in m["links"]) for m in mails):
        return [f"mails must be a list of dicts with {', '.join(MAIL_FIELDS)}, links "
                "([text, target] pairs) and merkmale (option texts)"]
    marked = [option for mail in mails for option in mail["merkmale"]]
    if sorted(marked) != sorted(choices["options"]):
        return ["every option must be listed under exactly one mail's merkmale"]
    return []


def _assumptions(choices: dict[str, tuple[str, ...]], data: dict[str, Any]) -> list[str]:
    assumptions = data["annahmen"]
    rate = assumptions.get("versuche_pro_sekunde") if isinstance(assumptions, dict) else None
    if isinstance(rate, bool) or not isinstance(rate, int | float) or rate <= 0:
        return ["annahmen must give versuche_pro_sekunde (a positive number)"]
    return []


def _ladder(choices: dict[str, tuple[str, ...]], data: dict[str, Any]) -> list[str]:
    steps = len(choices["options"])
    if not _texts(data["fragen"], steps - 1) or not _texts(data["erklaerungen"], steps):
        return ["fragen: one yes/no question fewer than options; erklaerungen: one per option"]
    return []


def _chart(choices: dict[str, tuple[str, ...]], data: dict[str, Any]) -> list[str]:
    bars, values, labels = len(choices["options"]), data["werte"], data["beschriftung"]
    if not isinstance(labels, dict) or not all(isinstance(labels.get(k), str)
                                               for k in CHART_LABELS):
        return [f"beschriftung must give {', '.join(CHART_LABELS)}"]
    inner = list(values.values()) if isinstance(values, dict) else []
    rows = [row for table in inner if isinstance(table, dict) and table
            for row in table.values()]
    if (not inner or not all(isinstance(t, dict) and t for t in inner)
            or not all(_bars(row, bars) for row in rows)):
        return ["werte must map filter 1 → filter 2 → one number (or None) per option"]
    return []


def _bars(row: Any, bars: int) -> bool:
    return isinstance(row, list) and len(row) == bars and all(
        v is None or (isinstance(v, int | float) and not isinstance(v, bool) and v >= 0)
        for v in row)

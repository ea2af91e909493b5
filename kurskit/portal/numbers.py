"""Numbers as Germans write and type them: „2,5“, „1.000“. Standard library only: it is
imported into every learner's kernel."""

from __future__ import annotations


def num(value: float) -> str:
    """A number as Germans write it: 2,5."""
    return f"{value:g}".replace(".", ",")


def parse_number(text: str) -> int | float | None:
    """A number as Germans type it: '3,5', '1.000', '72'. None when it is not a number."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    if not cleaned:
        return None
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif cleaned.count(".") == 1 and len(cleaned.split(".")[1]) == 3 and cleaned[0] != "0":
        cleaned = cleaned.replace(".", "")  # '1.000' is a thousand
    try:
        value = float(cleaned)
    except ValueError:
        return None
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return int(value) if value.is_integer() and abs(value) < 1e15 else value

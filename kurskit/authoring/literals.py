"""Untrusted answer data: only plain literals, bounded in size, ever become notebook source."""

from __future__ import annotations

import ast
import math
from typing import Any

MAX_DEPTH = 3
MAX_ITEMS = 200
MAX_TEXT = 5000


class LiteralRefused(ValueError):
    """An answer is not plain literal data; the message is English, `german` for learners."""

    def __init__(self, message: str, german: str) -> None:
        super().__init__(message)
        self.german = german


def ensure_literal(value: Any, depth: int = 0) -> None:
    """Raise LiteralRefused unless value is str/int/float/bool/None or a list/dict of those."""
    if depth > MAX_DEPTH:
        raise LiteralRefused("answer is nested too deeply",
                             "Die Antwort ist zu tief verschachtelt.")
    if value is None or isinstance(value, bool | int):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**15:
            raise LiteralRefused("number is too large", "Die Zahl ist zu groß.")
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise LiteralRefused("number is not finite", "Die Zahl ist ungültig.")
        return
    if isinstance(value, str):
        if not is_unicode_text(value):
            raise LiteralRefused("text contains a lone UTF-16 surrogate (not valid Unicode)",
                                 "Der Text enthält ungültige Zeichen.")
        if len(value) > MAX_TEXT:
            raise LiteralRefused(
                f"text is longer than {MAX_TEXT} characters",
                f"Der Text ist länger als {MAX_TEXT} Zeichen.",
            )
        return
    if isinstance(value, list | tuple):
        if len(value) > MAX_ITEMS:
            raise LiteralRefused("list is too long", "Die Liste ist zu lang.")
        for item in value:
            ensure_literal(item, depth + 1)
        return
    if isinstance(value, dict):
        if len(value) > MAX_ITEMS:
            raise LiteralRefused("mapping is too large", "Die Zuordnung ist zu groß.")
        for key, item in value.items():
            if not isinstance(key, str):
                raise LiteralRefused("mapping keys must be text", "Ungültige Zuordnung.")
            ensure_literal(key, depth + 1)
            ensure_literal(item, depth + 1)
        return
    raise LiteralRefused(
        f"answer of type {type(value).__name__} is not literal data",
        "Die Antwort enthält ungültige Daten.",
    )


def is_unicode_text(text: str) -> bool:
    """False for text that cannot be written as UTF-8 (lone surrogates from JSON escapes)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def literal_source(value: Any) -> str:
    """Python source for a literal value, verified to parse back to the same value."""
    ensure_literal(value)
    source = repr(value)
    if ast.literal_eval(source) != value:  # pragma: no cover - guards repr() surprises
        raise LiteralRefused("answer does not round-trip as a literal", "Ungültige Antwort.")
    return source


def parse_literal(node: ast.AST) -> Any:
    """Evaluate an AST node that must be a literal (used on authored notebook source)."""
    return ast.literal_eval(node)

"""The glossary: `courses/glossar.yml`, the terms of the courses with short German definitions.

Content, like the courses: the handbook renders it as the page „Glossar“ and links the
first use of each term in a lesson to its entry; `kurskit check` lints it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kurskit.authoring.problems import Problem
from kurskit.authoring.yaml_files import Unreadable, load_schema, read_mapping, schema_errors

FILENAME = "glossar.yml"
SCHEMA = load_schema("glossary")


@dataclass(frozen=True)
class Term:
    term: str
    definition: str
    abbreviation: str = ""
    aliases: tuple[str, ...] = ()
    source: str = ""

    @property
    def anchor(self) -> str:
        return slug(self.term)

    @property
    def heading(self) -> str:
        return f"{self.term} ({self.abbreviation})" if self.abbreviation else self.term

    @property
    def forms(self) -> tuple[str, ...]:
        """Every spelling a lesson may use for this term."""
        return tuple(f for f in (self.term, self.abbreviation, *self.aliases) if f)


@dataclass
class Glossary:
    path: Path
    legal_state: str = ""  # „Rechtsstand“ of the definitions
    terms: list[Term] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def sorted_terms(self) -> list[Term]:
        return sorted(self.terms, key=lambda t: sort_key(t.term))


def slug(text: str) -> str:
    """A stable ASCII anchor: „Datenschutz-Folgenabschätzung“ → datenschutz-folgenabschaetzung."""
    text = text.lower()
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, plain)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def sort_key(text: str) -> str:
    """German dictionary order (ä sorts like a) without depending on the system locale."""
    return slug(text).replace("-", " ")


def load_glossary(courses_dir: Path) -> Glossary:
    """Read `<courses>/glossar.yml`; a missing file is an empty glossary, not a problem."""
    path = courses_dir / FILENAME
    glossary = Glossary(path)
    if not path.is_file():
        return glossary

    def problem(message: str) -> None:
        glossary.problems.append(Problem(path, message))

    try:
        data = read_mapping(path, "the glossary",
                            "the glossary must be a mapping with a list 'terms'")
    except Unreadable as error:
        problem(str(error))
        return glossary
    listed = data.get("terms")
    entries: list[Any] = listed if isinstance(listed, list) else []

    def name_of(index: int) -> str:
        entry = entries[index] if index < len(entries) else None
        term = entry.get("term") if isinstance(entry, dict) else None
        return f"term {term!r}" if isinstance(term, str) else f"entry {index + 1}"

    for where, message in schema_errors(SCHEMA, data):
        if len(where) >= 2 and where[0] == "terms" and isinstance(where[1], int):
            detail = "/".join(str(p) for p in where[2:])
            problem(f"{name_of(where[1])}: {detail + ': ' if detail else ''}{message}")
        else:
            problem(f"{'/'.join(str(p) for p in where) or FILENAME}: {message}")
    if glossary.problems:
        return glossary
    glossary.legal_state = str(data.get("legal_state", ""))
    for entry in entries:
        glossary.terms.append(Term(
            term=entry["term"].strip(), definition=" ".join(entry["definition"].split()),
            abbreviation=entry.get("abbreviation", "").strip(),
            aliases=tuple(a.strip() for a in entry.get("aliases", [])),
            source=entry.get("source", "")))
    glossary.problems += _clashes(path, glossary.terms)
    return glossary


def _clashes(path: Path, terms: list[Term]) -> list[Problem]:
    """Each term once, and each spelling pointing to one term only (else links would guess)."""
    problems = []
    owner: dict[str, str] = {}
    anchors: dict[str, str] = {}
    for term in terms:
        if term.anchor in anchors:
            problems.append(Problem(path, f"term {term.term!r} is defined twice"
                                    if anchors[term.anchor].lower() == term.term.lower() else
                                    f"term {term.term!r} has the same anchor as "
                                    f"{anchors[term.anchor]!r}"))
            continue
        anchors[term.anchor] = term.term
        for form in dict.fromkeys(term.forms):
            other = owner.get(form.lower())
            if other is not None and other != term.term:
                problems.append(Problem(path, f"term {term.term!r}: {form!r} is already a "
                                        f"spelling of {other!r}"))
            owner.setdefault(form.lower(), term.term)
    return problems

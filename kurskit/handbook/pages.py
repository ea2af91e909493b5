"""Markdown for the handbook's generated pages, made from the course manifests.

Pages use module metadata and manifests only: no notebook source, so no key can reach
the site.
"""

from __future__ import annotations

from typing import Any

from kurskit import digcomp
from kurskit.catalog import Catalog, Course
from kurskit.competences import coverage
from kurskit.portal import portal_url


def course_page_path(course: Course) -> str:
    return f"kurse/{course.id}.md"


def _minutes(value: object) -> str:
    return f"{value} Minuten"


def catalog_page(catalog: Catalog) -> str:
    lines = ["# Kurskatalog", "",
             "Alle Kurse von kurskit. Jeder Kurs besteht aus Modulen, die Sie im Lernportal "
             "im Browser bearbeiten; am Ende jedes Moduls geben Sie Ihre Antworten ab und "
             "sehen sofort Ihr Ergebnis.", "",
             "| Kurs | Zielgruppe | Niveau | Dauer | Module |",
             "| --- | --- | --- | --- | --- |"]
    for course in catalog.courses:
        m = course.manifest
        lines.append(f"| [{course.title}]({course.id}.md) | {m.get('audience', '')} | "
                     f"{m.get('level', '')} | {_minutes(m.get('minutes', '?'))} | "
                     f"{len(course.modules)} |")
    return "\n".join(lines) + "\n"


def course_page(course: Course, portal_base: str) -> str:
    m = course.manifest
    lines = [f"# {course.title}", "", str(m.get("description", "")), "",
             f"- **Zielgruppe:** {m.get('audience', '')}",
             f"- **Niveau:** {m.get('level', '')}",
             f"- **Dauer:** {_minutes(m.get('minutes', '?'))}",
             f"- **Module:** {len(course.modules)}", "",
             "## Lernziele", "", "Nach diesem Kurs …", ""]
    lines += [f"- {objective}" for objective in m.get("objectives", [])]
    lines += ["", "## Module", ""]
    for number, module in enumerate(course.modules, start=1):
        meta = module.notebook.metadata
        lines += [f"### {number}. {module.title}", "",
                  f"Dauer: {_minutes(meta.get('minutes', '?'))} · Niveau: "
                  f"{meta.get('level', '')} · {len(module.notebook.exercises)} Aufgaben"
                  + (f" · Für: {', '.join(meta['roles'])}" if meta.get("roles") else ""), "",
                  "**Lernziele**", ""]
        lines += [f"- {objective}" for objective in meta.get("objectives", [])]
        lines += ["", "**Das Wichtigste in Kürze**", ""]
        lines += [f"- {point}" for point in meta.get("keypoints", [])]
        lines += ["", f"[Modul im Lernportal öffnen]({portal_url(portal_base, course, module)})"
                  "{ .md-button }", ""]
    lines += ["## Kompetenzen (DigComp 2.2)", "",
              "| Kompetenz | Bezeichnung | Stufe |", "| --- | --- | --- |"]
    for competence in m.get("competences", []):
        cid, level = competence.get("id"), competence.get("level")
        name = digcomp.COMPETENCES.get(cid, "?")
        lines.append(f"| {cid} | {name} | {level} ({digcomp.band_of(int(level))}) |")
    return "\n".join(lines) + "\n"


def api_page(spec: dict[str, Any]) -> str:
    """English reference of the grading API, from its OpenAPI document."""
    lines = ["# Grading API", "",
             "*For developers (English).* " + str(spec["info"].get("description", "")), "",
             "The complete machine-readable description: [openapi.json](openapi.json) "
             f"(OpenAPI {spec.get('openapi', '')}).", "",
             "| method | path | summary | responses |", "| --- | --- | --- | --- |"]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            summary = operation.get("summary", "")
            codes = ", ".join(sorted(operation.get("responses", {})))
            lines.append(f"| `{method.upper()}` | `{path}` | {summary} | {codes} |")
    lines += ["", "Every refusal carries `error` (a code), `message` (English) and `message_de` "
              "(German, shown to the learner)."]
    return "\n".join(lines) + "\n"


def competences_page(catalog: Catalog) -> str:
    """Courses against DigComp 2.2 competences: levels per course, modules, and gaps."""
    rows = coverage(catalog)
    courses = catalog.courses
    header = "| Kompetenz | " + " | ".join(c.title for c in courses) + " | Module |"
    lines = ["# Kompetenzen (DigComp 2.2)", "",
             "Welche der 21 Kompetenzen des europäischen Referenzrahmens DigComp 2.2 die "
             "Kurse trainieren. In den Kurs-Spalten steht die angestrebte Kompetenzstufe "
             "(1–8); „–“ heißt: nicht Ziel dieses Kurses. „Lücke“ markiert Kompetenzen, die "
             "noch kein Kurs abdeckt.", "",
             f"**{sum(r.covered for r in rows)} von {len(rows)} Kompetenzen** werden abgedeckt.",
             "", header, "| --- | " + " | ".join("---" for _ in courses) + " | --- |"]
    for row in rows:
        levels = [f"Stufe {row.courses[c.id]}" if c.id in row.courses else "–"
                  for c in courses]
        modules = str(len(row.modules)) if row.covered else "**Lücke**"
        lines.append(f"| {row.competence} {row.name} | " + " | ".join(levels)
                     + f" | {modules} |")
    return "\n".join(lines) + "\n"

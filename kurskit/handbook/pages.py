"""Markdown for the handbook's generated pages, made from the course manifests.

Catalogue, course and competence pages use manifests and module metadata only; lesson
text comes from the release notebooks (`kurskit.handbook.lessons`). No source notebook
is read for a page, so no key can reach the site.
"""

from __future__ import annotations

from typing import Any

from kurskit.authoring import digcomp
from kurskit.authoring.catalog import Catalog, Course, Module
from kurskit.authoring.glossary import Glossary, Term
from kurskit.authoring.pools import graded_units
from kurskit.handbook.lessons import Lesson
from kurskit.layout import portal_url
from kurskit.reporting.competences import coverage


def course_page_path(course: Course) -> str:
    return f"kurse/{course.id}.md"


def module_page_path(module: Module) -> str:
    return f"kurse/{module.course_id}/{module.path.stem}.md"


def module_page_link(module: Module) -> str:
    """Link from a course page (kurse/<course>.md) to one of its module pages."""
    return f"{module.course_id}/{module.path.stem}.md"


def glossary_href_from_module(term: Term) -> str:
    return f"../../glossar.md#{term.anchor}"


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
             f"- **Module:** {len(course.modules)}",
             f"- **Bestanden:** ein Modul ab {course.pass_percent} % "
             "seiner Punkte", "",
             "## Lernziele", "", "Nach diesem Kurs …", ""]
    lines += [f"- {objective}" for objective in m.get("objectives", [])]
    lines += ["", "## Module", ""]
    for number, module in enumerate(course.modules, start=1):
        meta = module.notebook.metadata
        lines += [f"### {number}. [{module.title}]({module_page_link(module)})", "",
                  f"Dauer: {_minutes(meta.get('minutes', '?'))} · Niveau: "
                  f"{meta.get('level', '')} · {_questions(module)} Aufgaben"
                  + (f" · Für: {', '.join(meta['roles'])}" if meta.get("roles") else ""), "",
                  "**Lernziele**", ""]
        lines += [f"- {objective}" for objective in meta.get("objectives", [])]
        lines += ["", "**Das Wichtigste in Kürze**", ""]
        lines += [f"- {point}" for point in meta.get("keypoints", [])]
        lines += ["", f"[Lerntext lesen]({module_page_link(module)}){{ .md-button }} "
                  f"[Modul im Lernportal öffnen]({portal_url(portal_base, course, module)})"
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
    """Courses and modules against DigComp 2.2: a coloured table (levels as words, too), the
    gaps, and which modules train each competence."""
    rows = coverage(catalog)
    courses = catalog.courses
    modules = {m.id: m for m in catalog.modules}
    covered = sum(r.covered for r in rows)
    lines = ["# Kompetenzen (DigComp 2.2)", "",
             "Welche der 21 Kompetenzen des europäischen Referenzrahmens "
             "[DigComp 2.2](glossar.md#digcomp) die Kurse trainieren. In den Kurs-Spalten "
             "steht die angestrebte Kompetenzstufe (1–8) mit ihrem Niveau; „–“ heißt: nicht "
             "Ziel dieses Kurses. **Lücke** markiert Kompetenzen, die noch kein Kurs abdeckt. "
             "Die Farben wiederholen nur, was in jeder Zelle als Text steht.", "",
             f"**{covered} von {len(rows)} Kompetenzen** werden abgedeckt.", ""]
    gaps = [r for r in rows if not r.covered]
    if gaps:
        lines += ["**Lücken:** " + "; ".join(f"{r.competence} {r.name}" for r in gaps), ""]
    lines += ["| Bereich | abgedeckt |", "| --- | --- |"]
    for area, name in digcomp.AREAS.items():
        in_area = [r for r in rows if r.competence.split(".")[0] == area]
        lines.append(f"| {area} {name} | {sum(r.covered for r in in_area)} von {len(in_area)} |")
    lines += ["", '<table class="kk-matrix">',
              "<caption>Kompetenzen nach DigComp 2.2 und die Stufen, die die Kurse anstreben"
              "</caption>", "<thead><tr>", '<th scope="col">Kompetenz</th>']
    lines += [f'<th scope="col">{c.title}</th>' for c in courses]
    lines += ['<th scope="col">Module</th>', "</tr></thead>"]
    for area, name in digcomp.AREAS.items():
        lines += ["<tbody>", f'<tr><th scope="colgroup" colspan="{len(courses) + 2}" '
                  f'class="kk-area">{area} {name}</th></tr>']
        for row in (r for r in rows if r.competence.split(".")[0] == area):
            cells = [f'<th scope="row">{row.competence} {row.name}</th>']
            for course in courses:
                level = row.courses.get(course.id)
                if level:
                    band = digcomp.band_of(level)
                    cells.append(f'<td class="kk-band-{_css(band)}">Stufe {level} ({band})</td>')
                else:
                    cells.append("<td>–</td>")
            cells.append(f"<td>{len(row.modules)}</td>" if row.covered
                         else '<td class="kk-gap"><strong>Lücke</strong></td>')
            lines.append("<tr>" + "".join(cells) + "</tr>")
        lines.append("</tbody>")
    lines += ["</table>", "", "## Welche Module welche Kompetenz trainieren", ""]
    for row in rows:
        if not row.modules:
            continue
        links = ", ".join(f"[{modules[mid].title}]({module_page_path(modules[mid])})"
                          for mid in row.modules if mid in modules)
        lines += [f"- **{row.competence} {row.name}:** {links}"]
    return "\n".join(lines) + "\n"


def _css(name: str) -> str:
    return name.lower().replace("ä", "ae").replace(" ", "-")


def module_page(course: Course, module: Module, lesson: Lesson, portal_base: str) -> str:
    """One module: what it is for, then its lesson text as learners read it."""
    meta = module.notebook.metadata
    number = course.modules.index(module) + 1
    competences = ", ".join(f"{cid} {digcomp.COMPETENCES.get(cid, '?')}"
                            for cid in meta.get("competences", []))
    portal = portal_url(portal_base, course, module)
    lines = [f"# {module.title}", "",
             f"Modul {number} von {len(course.modules)} im Kurs "
             f"[{course.title}](../{course.id}.md)", "",
             f"- **Dauer:** {_minutes(meta.get('minutes', '?'))}",
             f"- **Niveau:** {meta.get('level', '')}",
             f"- **Fragen:** {lesson.questions}"]
    if meta.get("roles"):
        lines.append(f"- **Geschrieben für:** {', '.join(meta['roles'])}")
    if competences:
        lines.append(f"- **Kompetenzen (DigComp 2.2):** {competences}")
    lines += ["", f"[Modul im Lernportal bearbeiten]({portal}){{ .md-button .md-button--primary }}",
              "", '!!! abstract "Lernziele"', ""]
    lines += [f"    - {objective}" for objective in meta.get("objectives", [])]
    lines += ["", '!!! tip "Das Wichtigste in Kürze"', ""]
    lines += [f"    - {point}" for point in meta.get("keypoints", [])]
    lines += ["", '!!! info "So lesen Sie diese Seite"',
              "    Unten steht der Lerntext des Moduls, wie ihn Lernende im Lernportal sehen. "
              "Von den Fragen steht hier nur die Aufgabe: Antworten, Lösungen und "
              "Erklärungen gibt es nur im Lernportal. Fachbegriffe sind mit dem "
              "[Glossar](../../glossar.md) verlinkt.", "", "---", "", lesson.markdown]
    return "\n".join(lines)


def glossary_page(glossary: Glossary) -> str:
    """Terms in German alphabetical order, one anchor per term (lessons link to them)."""
    lines = ["# Glossar", "",
             "Die wichtigsten Begriffe der Kurse, kurz erklärt. In den Lerntexten ist das "
             "erste Vorkommen eines Begriffs mit seinem Eintrag hier verlinkt; die Quelle "
             "steht bei jedem Begriff."
             + (f" Rechtsstand: {glossary.legal_state}." if glossary.legal_state else ""), ""]
    if not glossary.terms:
        return "\n".join([*lines, "Noch sind keine Begriffe erfasst.", ""])
    letter = ""
    for term in glossary.sorted_terms():
        initial = term.anchor[:1].upper()
        initial = initial if initial.isalpha() else "0–9"
        if initial != letter:
            letter = initial
            lines += [f"## {letter}", ""]
        lines += [f"### {term.heading} {{ #{term.anchor} }}", "", term.definition, ""]
        other = [f for f in (*term.aliases,) if f.lower() != term.term.lower()]
        if other:
            lines += [f"*Auch:* {', '.join(other)}", ""]
        if term.source:
            lines += [f"*Quelle:* <{term.source}>", ""]
    return "\n".join(lines)


def _questions(module: Module) -> int:
    """The questions a learner answers: a question pool counts once."""
    return len(graded_units(module.notebook.exercises))
